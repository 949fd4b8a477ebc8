# issue 12.5: one busy job does not starve the rest. A webhook receiver that answers after 0.4 s,
# with 60 deliveries queued, keeps webhook-retry busy for 24 s. In ticks of an 8 s budget every
# due job still gets a turn, and notification-delivery (whose sends need [mail] timeout = 2 s of
# budget, more than the [http] timeout of 1 s that webhook-retry leaves over) gets the notices out
# on the second tick: cut short on the first, and given less time than webhook-retry, it goes
# first. Before the share rule webhook-retry ran first on every tick until less than its own
# timeout was left, and notification-delivery never sent.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/http_helpers.sh"
. "$HERE/../servers/mail_helpers.sh"
cat >> jobs.ini <<'INI'
[http]
allow_private_addresses = true
timeout = 1s
[mail]
transport = maildir
maildir_path = var/md
from_address = porter@mail.example.net
timeout = 2s
INI
start_http_server
http_rules '{"/slow": {"delay": 0.4}}'
init_db
add_users 1
add_notices 3
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, '$HTTP_URL/slow', 'k');
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 60)
     INSERT INTO delivery_log(user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
     SELECT 1, 1, '$HTTP_URL/slow', 'h', '{\"n\":' || i || '}', 'pending', $NOW, $NOW FROM c;"
# due on the first tick: every enabled job except message-cleanup (0 2 * * *: first at 02:00)
due=$(mj list --json | /usr/bin/python3 -c 'import json,sys; print(sum(1 for j in json.load(sys.stdin) if j["enabled"] and j["schedule"] != "off" and j["name"] != "message-cleanup"))')
tick() {
  local t0; t0=$(date +%s.%N)
  expect_exit 0 mj tick --max-runtime 8s --now "$1"
  took=$(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN{printf "%d", (e-s)*1000}')
  echo "tick at $1: ${took} ms, $(http_count /slow) webhook POSTs so far, $(sql "SELECT count(*) FROM notification_outbox WHERE status = 'sent'") notices sent" >&2
  assert_le "$took" 9500 "tick stays near its 8 s budget (ms)"
}
tick $NOW
assert_eq "$(sql "SELECT count(DISTINCT job) FROM job_runs")" "$due" "every due job got a turn"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE outcome = 'skipped'")" 0 "nobody left out"
first_turn_end=$(sql "SELECT max(id) FROM job_runs WHERE job NOT IN ('webhook-retry', 'notification-delivery', 'forward-retry')")
assert_ge "$(sql "SELECT max(id) FROM job_runs WHERE job = 'webhook-retry'")" "$first_turn_end" "webhook-retry's second turn comes after every job's first"
posts1=$(http_count /slow)
assert_ge "$posts1" 5 "webhook-retry used the budget the others left"
assert_eq "$(sql "SELECT exit_reason FROM job_runs WHERE job = 'notification-delivery' ORDER BY id DESC LIMIT 1")" "budget reached" "notification-delivery cut short on tick 1"

sql "DELETE FROM job_runs WHERE id NOT IN (SELECT last_run_id FROM job_state)"
mark=$(sql "SELECT max(id) FROM job_runs")
tick $((NOW + 300))
assert_eq "$(sql "SELECT job FROM job_runs WHERE id > $mark ORDER BY id LIMIT 1")" "notification-delivery" \
  "the job cut short with the least time goes first"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status = 'sent'")" 3 "notification-delivery sent its notices"
assert_eq "$(ls var/md/new | wc -l)" 3 "three notices written"
assert_ge "$(http_count /slow)" $((posts1 + 1)) "and webhook-retry kept working"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE id > $mark AND job = 'session-cleanup'")" 0 "a daily job that finished is not due again"
