# Crash sweep of notification-delivery over real SMTP (tests/cli/helpers/crash_sweep.sh):
# CRASH_KILLS (10 here, 200 under `make torture`) kill -9 at every k-th notice, random times and
# early in the run, the server taking 50 ms per message so kills land mid-batch. Every notice
# arrives at least once, every duplicate is the notice a kill caught in flight, none is left queued.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
. "$HERE/helpers/crash_sweep.sh"
start_smtp
smtp_control '{"delay": 0.05}'
mail_ini_smtp
# claim TTL = max(claim_ttl, 2 x timeout + 60 s) = 66 s: each run's clock is 100 s later. The cap
# is out of the way (a killed run keeps its claimed slots counted, by design).
sed -i 's/^timeout = 10s/timeout = 3s/' jobs.ini
printf '[job.notification-delivery]\nbatch_size = 3\nclaim_ttl = 1m\nhourly_cap = 1000000\n' >> jobs.ini
init_db
add_notices $((CRASH_KILLS * 8))
SWEEP_JOB=notification-delivery SWEEP_BATCH=3 SWEEP_STEP=100 SWEEP_INSIDE=0.02
sweep_count() { smtp_received; }
sweep_keys() {
  [ -f "$SMTP_DIR/messages.jsonl" ] || return 0
  /usr/bin/python3 -c 'import json, re, sys
for line in open(sys.argv[1]):
    print(re.search(r"^X-Mailjobs-Notice: (\S+)", json.loads(line)["data"], re.M).group(1))' "$SMTP_DIR/messages.jsonl"
}
sweep_expected() { sql "SELECT id FROM notification_outbox"; }
sweep_left_sql="SELECT count(*) FROM notification_outbox WHERE status <> 'sent'"
crash_sweep
n=$((CRASH_KILLS * 8))
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status = 'sent' AND claimed_by IS NULL")" $n "sent rows"
# a later run finds nothing to send
before=$(smtp_received)
expect_exit 0 mj run notification-delivery --now $((NOW + 86400))
assert_eq "$(smtp_received)" "$before" "nothing sent after the queue is done"
