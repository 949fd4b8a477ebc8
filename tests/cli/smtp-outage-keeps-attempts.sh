# Issue 12.2: a relay that refuses connections for 12 hours (a tick every 5 minutes: 144 runs of
# forward-retry and notification-delivery) uses up no retries: forwards and notices stay queued
# with their attempts unchanged, no "forward failed" notice is queued, the operator alert fires
# once. When the relay is back everything is delivered; an item whose whole retry schedule lies
# inside the outage still gets real attempts before it fails for good.
# Before the fix: the forwards ended `failed` after their schedule and their notices were queued.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
. "$HERE/../servers/http_helpers.sh"
start_http_server
start_smtp
SMTP_PID=$!
mail_ini_smtp
sed -i 's/^timeout = 10s/timeout = 2s/; s/^connect_timeout = 5s/connect_timeout = 2s/' jobs.ini
cat >> jobs.ini <<INI
[job.forward-retry]
retry_schedule = 1h, 2h
[job.notification-delivery]
retry_schedule = 1m, 5m
[alerts]
failure_threshold = 3
webhook_url = $HTTP_URL/alert
INI
init_db
add_failed 3                       # first failure 1 h ago: due now; the whole schedule ends in 1 h
add_notices 2
kill "$SMTP_PID"; wait "$SMTP_PID" 2>/dev/null || true

# 12 hours of ticks, every 5 minutes, against a refused port.
t0=$(date +%s)
for i in $(seq 0 143); do
  expect_exit 1 mj run forward-retry notification-delivery --now $((NOW + i * 300))
done
echo "144 ticks took $(( $(date +%s) - t0 )) s"
assert_contains "$ERR" "mail transport unavailable" "error line of the last tick"
assert_eq "$(sql "SELECT group_concat(status || ':' || attempts, ' ') FROM failed_emails")" "pending:0 pending:0 pending:0" "forwards wait, attempts not used"
assert_eq "$(sql "SELECT group_concat(status || ':' || attempts, ' ') FROM notification_outbox")" "queued:0 queued:0" "notices wait, attempts not used"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'forward_failed'")" 0 "no forward-failed notice"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE outcome = 'failed'")" 288 "every run failed (the operator sees the outage)"
assert_eq "$(http_count /alert)" 2 "one failing alert per job, once"
assert_ge "$(sql "SELECT count(*) FROM job_attempts WHERE error LIKE '%not counted as an attempt%'")" 288 "each try recorded as not counted"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE claimed_by IS NOT NULL") $(sql "SELECT count(*) FROM failed_emails WHERE claimed_by IS NOT NULL")" "0 0" "no claim left behind"
assert_eq "$(sql "SELECT coalesce(sum(sent), 0) FROM send_quota")" 0 "hourly cap slots given back"

# The relay is back on its port; one recipient's mailbox answers 451 (an answer about that message).
rm -f "$SMTP_DIR/port"
start_smtp --port "$SMTP_PORT"
smtp_control '{"rcpt": {"dest3@example.org": "451 4.2.0 mailbox busy"}}'
T=$((NOW + 144 * 300))
expect_exit 0 mj run forward-retry notification-delivery --now $T
assert_eq "$(sql "SELECT group_concat(status || ':' || attempts, ' ') FROM failed_emails WHERE rcpt_to <> 'dest3@example.org'")" "delivered:1 delivered:1" "forwards delivered at the first real attempt"
assert_eq "$(sql "SELECT group_concat(status || ':' || attempts, ' ') FROM notification_outbox")" "sent:1 sent:1" "notices sent"
assert_eq "$(sql "SELECT status || ':' || attempts FROM failed_emails WHERE rcpt_to = 'dest3@example.org'")" "pending:1" "a real transient answer counts; its schedule passed, so it is due at once"
expect_exit 0 mj run forward-retry notification-delivery --now $((T + 300))
assert_eq "$(sql "SELECT status || ':' || attempts FROM failed_emails WHERE rcpt_to = 'dest3@example.org'")" "failed:2" "schedule used up by real answers: failed for good"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'forward_failed'")" 1 "now its user is told, once"
assert_eq "$(http_count /alert)" 4 "and a recovery alert per job"
echo "ok"
