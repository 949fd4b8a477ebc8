# A job that fails for real (an application trigger refuses the deletes) alerts the operator once,
# by e-mail and by webhook, when it reaches [alerts] failure_threshold failures in a row; further
# failures send nothing; the first successful run sends one recovery alert on each channel.
# An alert channel that is down never changes a run's outcome or exit code; the failed attempt is
# recorded and the alert is tried again on the next failure.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
start_http_server
cat >> jobs.ini <<INI
[mail]
transport = maildir
maildir_path = var/maildir
from_address = jobs@example.com

[alerts]
failure_threshold = 3
email = ops@example.com
webhook_url = $HTTP_URL/alert
webhook_secret = alert-key
INI
init_db
add_users 10
add_sessions 50 $((NOW - 3*86400)) $((NOW - 3*86400))
# freeze MESSAGE / unfreeze: PostgreSQL's triggers are plpgsql functions, dropped by table
freeze() {
  if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then
    sql "CREATE OR REPLACE FUNCTION app_freeze() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION '$1'; END \$\$;
         CREATE TRIGGER app_freeze BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION app_freeze();"
  else sql "CREATE TRIGGER app_freeze BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, '$1'); END;"; fi
}
unfreeze() {
  if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then sql "DROP TRIGGER app_freeze ON sessions"; else sql "DROP TRIGGER app_freeze"; fi
}
freeze 'sessions are frozen for maintenance'
mails() { ls var/maildir/new 2>/dev/null | wc -l; }
run() { expect_exit "$1" mj run session-cleanup --now $NOW; }

run 1; run 1
assert_eq "$(http_count /alert)" 0 "no alert below the threshold"
assert_eq "$(mails)" 0 "no mail below the threshold"
run 1
assert_eq "$(http_count /alert)" 1 "one alert webhook at the threshold"
assert_eq "$(mails)" 1 "one alert mail at the threshold"
r='reqs[0]'
assert_eq "$(http_py "json.loads($r['body'])['event'] + ' ' + json.loads($r['body'])['job'] + ' ' + str(json.loads($r['body'])['consecutive_failures'])")" \
  "job_failing session-cleanup 3" "alert payload"
assert_contains "$(http_py "json.loads($r['body'])['error']")" "sessions are frozen for maintenance" "alert names the error"
assert_eq "$(http_py "$r['headers']['x-mailjobs-signature'] == 'sha256=' + hmac.new(b'alert-key', ($r['headers']['x-mailjobs-timestamp'] + '.' + $r['body']).encode(), hashlib.sha256).hexdigest()")" True "alert signed"
mail=$(cat var/maildir/new/*)
assert_contains "$mail" "To: ops@example.com" "alert mail"
assert_contains "$mail" "Subject: [mailjobs] session-cleanup failing: 3 runs in a row" "alert subject"
assert_contains "$mail" 'From: "Operator" <jobs@example.com>' "alert sender (persona operator)"
run 1; run 1
assert_eq "$(http_count /alert)" 1 "no repeat while still failing"
assert_eq "$(mails)" 1 "no repeat mail while still failing"
assert_eq "$(sql "SELECT consecutive_failures, alert_state FROM job_state WHERE job = 'session-cleanup'")" "5|alerted" "state"

# the cause goes away: one recovery alert per channel, then quiet
unfreeze
run 0
assert_eq "$(http_count /alert)" 2 "recovery webhook"
assert_eq "$(http_py "json.loads(reqs[1]['body'])['event']")" job_recovered "recovery payload"
assert_eq "$(mails)" 2 "recovery mail"
assert_contains "$(grep -h '^Subject:' var/maildir/new/* | sort)" "Subject: [mailjobs] session-cleanup recovered" "recovery subject"
run 0
assert_eq "$(http_count /alert)" 2 "nothing after recovery"
assert_eq "$(sql "SELECT group_concat(kind || '/' || channel || '/' || status, ' ') FROM (SELECT * FROM operator_alerts ORDER BY id) AS q0")" \
  "failing/email/sent failing/webhook/sent recovered/email/sent recovered/webhook/sent" "operator_alerts"
assert_eq "$(sql "SELECT alert_state FROM job_state WHERE job = 'session-cleanup'")" ok "state after recovery"
expect_exit 0 mj status --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; a=json.load(sys.stdin)['alerts']; print(len(a), a[0]['kind'])" <<<"$OUT")" "4 recovered" "status shows alerts"

# alert channels down: the job's own result decides its exit code; the failed alert is recorded
# and tried again at the next failure
dead=$(free_port)
sed -i -e 's/^failure_threshold = 3$/failure_threshold = 1/' -e 's/^email = ops@example.com$/email =/' \
       -e "s|^webhook_url = .*|webhook_url = http://127.0.0.1:$dead/alert|" jobs.ini
add_sessions 5 $((NOW - 3*86400)) $((NOW - 3*86400))
freeze 'frozen again'
run 1
assert_eq "$(sql "SELECT outcome FROM job_runs ORDER BY id DESC LIMIT 1")" failed "outcome unchanged by the alert failure"
assert_eq "$(sql "SELECT kind || '/' || status FROM operator_alerts ORDER BY id DESC LIMIT 1")" "failing/failed" "failed alert recorded"
assert_contains "$(sql "SELECT error FROM operator_alerts ORDER BY id DESC LIMIT 1")" "Couldn't connect" "alert error"
assert_eq "$(sql "SELECT alert_state FROM job_state WHERE job = 'session-cleanup'")" ok "state reverted: retry next time"
assert_contains "$(cat var/mailjobs.log)" '"event":"alert_failed"' "warning in the log"
run 1
assert_eq "$(sql "SELECT count(*) FROM operator_alerts WHERE status = 'failed'")" 2 "tried again"
unfreeze
run 0
assert_eq "$(sql "SELECT count(*) FROM sessions")" 0 "the job did its work"
