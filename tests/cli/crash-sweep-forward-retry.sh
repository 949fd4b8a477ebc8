# Crash sweep of forward-retry over real SMTP (tests/cli/helpers/crash_sweep.sh): CRASH_KILLS
# (10 here, 200 under `make torture`) kill -9 at every k-th message, random times and early in
# the run, the server taking 50 ms per message so kills land mid-batch. Every forward arrives at
# least once, every duplicate is the message a kill caught in flight, none is left pending.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
. "$HERE/helpers/crash_sweep.sh"
start_smtp
smtp_control '{"delay": 0.05}'
mail_ini_smtp
# claim TTL = max(claim_ttl, 2 x timeout + 60 s) = 66 s: each run's clock is 100 s later
sed -i 's/^timeout = 10s/timeout = 3s/' jobs.ini
printf '[job.forward-retry]\nbatch_size = 3\nclaim_ttl = 1m\n' >> jobs.ini
init_db
add_failed $((CRASH_KILLS * 8))
SWEEP_JOB=forward-retry SWEEP_BATCH=3 SWEEP_STEP=100 SWEEP_INSIDE=0.02
sweep_count() { smtp_received; }
sweep_keys() { [ -f "$SMTP_DIR/messages.jsonl" ] && smtp_field 'm["rcpt_tos"][0]' || true; }
sweep_expected() { sql "SELECT rcpt_to FROM failed_emails"; }
sweep_left_sql="SELECT count(*) FROM failed_emails WHERE status <> 'delivered'"
crash_sweep
# the database agrees: one attempt and one message_logs row per forward (a killed attempt was
# never recorded), however many copies the server got
n=$((CRASH_KILLS * 8))
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE status = 'delivered' AND attempts = 1 AND claimed_by IS NULL")" $n "delivered rows"
assert_eq "$(sql "SELECT count(*) FROM message_logs WHERE outcome = 'delivered'")" $n "message logs"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE job = 'forward-retry'")" $n "attempts recorded"
