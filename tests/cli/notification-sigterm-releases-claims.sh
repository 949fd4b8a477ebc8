# SIGTERM in the middle of a batch: the message being sent finishes and is recorded, the notices
# claimed but not yet sent go straight back to the queue (no claim left to expire), their quota is
# given back, the run is recorded as interrupted (exit 130), and the next run sends the rest once.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
printf '[job.notification-delivery]\nbatch_size = 20\n' >> jobs.ini
init_db
add_notices 20
smtp_control '{"delay": 0.2}'
"$MJ" run notification-delivery --now $NOW >out.1 2>err.1 & victim=$!
for _ in $(seq 1 100); do [ "$(smtp_received)" -ge 3 ] && break; sleep 0.05; done
kill -TERM $victim
set +e; wait $victim; rc=$?; set -e
assert_eq "$rc" 130 "exit code"
assert_eq "$(sql "SELECT outcome || ',' || exit_reason FROM job_runs")" "interrupted,signal" "history"
sent=$(smtp_received)
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status='sent'")" "$sent" "sent rows match the server"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status='queued' AND claimed_by IS NULL AND attempts=0")" $((20 - sent)) "the rest back in the queue"
assert_eq "$(sql "SELECT sent FROM send_quota")" "$sent" "quota counts only what went"
smtp_control '{}'
expect_exit 0 mj run notification-delivery --now $NOW
assert_eq "$(smtp_received)" 20 "all sent"
assert_eq "$(smtp_field 'm["data"]' | grep '^X-Mailjobs-Notice:' | sort | uniq -d | wc -l)" 0 "none twice"
