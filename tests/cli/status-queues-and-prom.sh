# `mailjobs status --json` reports queue depths (failed_emails, delivery_log retries,
# notification_outbox: pending, due, oldest pending age) and `--prom FILE` writes the same values
# and each job's last run as a Prometheus textfile: well-formed, HELP/TYPE per family, values equal
# to the database, replaced atomically; a bad --prom path is exit 2 and writes nothing.
. "$(dirname "$0")/lib.sh"
init_db
add_users 2
R=$(date +%s)   # status reads the real clock
sql "INSERT INTO delivery_log(user_id, webhook_url, payload_hash, payload, status, next_retry_at, claimed_by, claim_expires_at, created_at) VALUES
       (1, 'http://x/h', 'h', '{}', 'pending', $R - 10, NULL, NULL, $R - 500),
       (1, 'http://x/h', 'h', '{}', 'failed', $R + 600, NULL, NULL, $R - 400),
       (1, 'http://x/h', 'h', '{}', 'delivering', NULL, 'run-x', $R + 60, $R - 300),
       (1, 'http://x/h', 'h', '{}', 'delivered', NULL, NULL, NULL, $R - 9000);
     INSERT INTO failed_emails(user_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at, next_attempt_at, status) VALUES
       (1, 'a@x.com', 'b@y.com', 'raw', 3, $R - 7200, $R - 1, 'pending'),
       (1, 'a@x.com', 'b@y.com', 'raw', 3, $R - 3600, $R + 3600, 'pending'),
       (1, 'a@x.com', 'b@y.com', 'raw', 3, $R - 99999, NULL, 'delivered');
     INSERT INTO notification_outbox(user_id, to_address, kind, subject, body, dedupe_key, status, next_attempt_at, created_at) VALUES
       (1, 'u@x.com', 'k', 's', 'b', 'k1', 'queued', $R - 5, $R - 60),
       (1, 'u@x.com', 'k', 's', 'b', 'k2', 'queued', $R - 5, $R - 50),
       (2, 'u@x.com', 'k', 's', 'b', 'k3', 'queued', $R + 500, $R - 40),
       (2, 'u@x.com', 'k', 's', 'b', 'k4', 'sending', $R - 5, $R - 30),
       (2, 'u@x.com', 'k', 's', 'b', 'k5', 'sent', $R - 5, $R - 9999);"
# some history: one job done, one failed (an application trigger refuses its deletes)
add_sessions 3 $((R - 3*86400)) $((R - 3*86400))
sql "INSERT INTO magic_links(user_id, token_hash, created_at, expires_at) VALUES (1, 'a', $R - 9000, $R - 2*86400)"
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then  # PostgreSQL's triggers are plpgsql functions
  sql "CREATE FUNCTION app_freeze() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'frozen'; END \$\$;
       CREATE TRIGGER app_freeze BEFORE DELETE ON magic_links FOR EACH ROW EXECUTE FUNCTION app_freeze();"
else
  sql "CREATE TRIGGER app_freeze BEFORE DELETE ON magic_links BEGIN SELECT RAISE(ABORT, 'frozen'); END;"
fi
expect_exit 0 mj run session-cleanup
expect_exit 1 mj run magic-link-expiry

expect_exit 0 mj status --json
q() { /usr/bin/python3 -c "import json,sys; q=json.load(sys.stdin)['queues']['$1']; a=q['oldest_pending_age_s']; print(q['pending'], q['due'], 'ok' if a is not None and $2 <= a <= $2 + 5 else a)" <<<"$OUT"; }
assert_eq "$(q delivery_log 500)" "3 1 ok" "delivery_log: pending, due, oldest age"
assert_eq "$(q failed_emails 7200)" "2 1 ok" "failed_emails: pending, due, oldest age"
assert_eq "$(q notification_outbox 60)" "4 2 ok" "notification_outbox: pending, due, oldest age"
expect_exit 0 mj status
assert_contains "$OUT" "QUEUE" "text status has the queue table"
assert_contains "$(grep '^delivery_log ' <<<"$OUT")" "3         1  " "text status queue row"

# the Prometheus textfile (written, then replaced: the second run replaces its own file)
expect_exit 0 mj status --prom var/mailjobs.prom
expect_exit 0 mj status --prom var/mailjobs.prom
assert_eq "$OUT" "" "--prom prints nothing"
assert_eq "$(ls var | grep -c 'prom.tmp' || true)" 0 "no temporary file left"
/usr/bin/python3 - var/mailjobs.prom <<'PY' || fail "textfile does not parse"
import re, sys
text = open(sys.argv[1]).read()
assert text.endswith("\n")
help_, type_, seen = set(), set(), set()
sample = re.compile(r'^(mailjobs_[a-z_]+)(\{[a-z_]+="(?:[^"\\]|\\.)*"(?:,[a-z_]+="(?:[^"\\]|\\.)*")*\})? (-?[0-9]+(?:\.[0-9]+)?)$')
assert text.startswith("# mailjobs metrics"), "no header line"
for line in text.splitlines():
    if line.startswith("# mailjobs metrics"):
        continue
    if line.startswith("# HELP "):
        help_.add(line.split()[2]); continue
    if line.startswith("# TYPE "):
        name, kind = line.split()[2:4]
        assert kind in ("gauge", "counter"), line
        assert name in help_, "TYPE before HELP: " + line
        type_.add(name); continue
    m = sample.match(line)
    assert m, "bad line: " + line
    assert m.group(1) in type_, "sample before its TYPE: " + line
    key = m.group(1) + (m.group(2) or "")
    assert key not in seen, "duplicate series: " + key
    seen.add(key)
PY
v() { /usr/bin/python3 -c "
import sys
for l in open('var/mailjobs.prom'):
    if l.startswith(sys.argv[1] + ' '): print(l.split()[-1])" "$1"; }
assert_eq "$(v 'mailjobs_queue_pending{queue="delivery_log"}')" 3 "prom delivery_log pending"
assert_eq "$(v 'mailjobs_queue_due{queue="failed_emails"}')" 1 "prom failed_emails due"
assert_eq "$(v 'mailjobs_queue_pending{queue="notification_outbox"}')" 4 "prom outbox pending"
assert_eq "$(v 'mailjobs_job_consecutive_failures{job="magic-link-expiry"}')" "$(sql "SELECT consecutive_failures FROM job_state WHERE job = 'magic-link-expiry'")" "prom consecutive failures"
assert_eq "$(v 'mailjobs_job_consecutive_failures{job="magic-link-expiry"}')" 1 "prom consecutive failures"
assert_eq "$(v 'mailjobs_job_last_run_failed{job="magic-link-expiry"}')" 1 "prom last run failed"
assert_eq "$(v 'mailjobs_job_last_outcome{job="session-cleanup",outcome="done"}')" 1 "prom last outcome"
assert_eq "$(v 'mailjobs_job_last_run_end_timestamp_seconds{job="session-cleanup"}')" "$(sql "SELECT last_finished_at FROM job_state WHERE job = 'session-cleanup'")" "prom last run end"
assert_eq "$(v 'mailjobs_job_last_run_duration_seconds{job="session-cleanup"}')" "$(sql "SELECT duration_ms FROM job_runs WHERE job = 'session-cleanup'" | awk '{ printf "%.3f", $1 / 1000 }')" "prom duration"
assert_eq "$(v 'mailjobs_job_last_run_failed{job="vacuum"}')" "" "a job that never ran has no last-run sample"
assert_eq "$(v 'mailjobs_job_running{job="session-cleanup"}')" 0 "prom running"

# a folder that does not exist: exit 2, one clear line, nothing written
expect_exit 2 mj status --prom var/missing/mailjobs.prom
assert_contains "$ERR" "mailjobs: error: cannot write 'var/missing/mailjobs.prom': No such file or directory" "bad --prom path"
[ ! -e var/missing ] || fail "folder created"
