# Issue 12.1: an SMTP server that answers the end of DATA late (or never) bounds the run by
# [mail] timeout, and the retry of that unknown outcome carries the same Message-ID (forwards:
# the original one; notices: the one stored in notification_outbox.message_id when first claimed).
# A send starts only when [mail] timeout fits in the remaining budget.
# Before the fix: 5 s (until the late reply) per run instead of 2 s, a silent server held the run
# 2 s + 120 s (libcurl's QUIT wait), and the notice's retry had a new Message-ID.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
sed -i 's/^timeout = 10s/timeout = 2s/' jobs.ini
init_db
add_failed 2
add_notices 2
elapsed_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN{printf "%d", (e-s)*1000}'; }

# 1. The server takes the message, then answers 250 only after 5 s.
smtp_control '{"data_reply_delay": 5}'
t0=$(date +%s.%N)
expect_exit 1 mj run forward-retry --now $NOW
ms=$(elapsed_since "$t0")
assert_le "$ms" 4000 "forward-retry run time (ms) with a 2 s timeout and a 5 s late reply"
assert_contains "$ERR" "did not answer in time" "error line"
assert_eq "$(smtp_received)" 1 "messages the server has"
assert_eq "$(sql "SELECT status, attempts FROM failed_emails WHERE rcpt_to='dest1@example.org'")" "pending|1" "unknown outcome counts as an attempt, retried"
assert_eq "$(sql "SELECT status, attempts FROM failed_emails WHERE rcpt_to='dest2@example.org'")" "pending|0" "the rest of the batch goes back untouched"
assert_contains "$(sql "SELECT last_error FROM failed_emails WHERE rcpt_to='dest1@example.org'")" "may have been delivered" "last_error says the outcome is unknown"

t0=$(date +%s.%N)
expect_exit 1 mj run notification-delivery --now $NOW
ms=$(elapsed_since "$t0")
assert_le "$ms" 4000 "notification-delivery run time (ms)"
assert_eq "$(smtp_received)" 2 "messages the server has"
mid=$(sql "SELECT message_id FROM notification_outbox WHERE dedupe_key='test_notice:1:1'")
[ -n "$mid" ] || fail "notice 1 has no stored Message-ID"
assert_eq "$(sql "SELECT status, attempts FROM notification_outbox WHERE dedupe_key='test_notice:1:1'")" "queued|1" "notice retried"
assert_eq "$(smtp_field 'm["data"]' | grep -c "^Message-ID: $mid")" 1 "first copy carries the stored Message-ID"
assert_eq "$(sql "SELECT sent FROM send_quota")" 1 "an unknown outcome keeps its hourly-cap slot"

# 2. The server answers quickly again: the retries go out with the same Message-IDs.
smtp_control '{}'
expect_exit 0 mj run forward-retry notification-delivery --now $((NOW + 86400))
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE status='delivered'")" 2 "forwards delivered"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status='sent'")" 2 "notices sent"
assert_eq "$(smtp_field 'm["data"]' | grep -c '^Message-ID: <m1@sender.example.com>')" 2 "both copies of forward 1 carry its original Message-ID"
assert_eq "$(smtp_field 'm["data"]' | grep -c "^Message-ID: $mid")" 2 "both copies of notice 1 carry the same Message-ID"
assert_eq "$(smtp_field 'm["data"]' | grep '^Message-ID:' | sort | uniq -d | wc -l)" 2 "only the two unknown-outcome messages were sent twice"

# 3. A server that never answers the end of DATA: bounded by the timeout, not libcurl's 120 s.
add_failed 1 $((NOW + 86400 - 3600)) silent
smtp_control '{"stall": "data_end"}'
t0=$(date +%s.%N)
expect_exit 1 mj run forward-retry --now $((NOW + 86400)) --max-runtime 10s
ms=$(elapsed_since "$t0")
assert_le "$ms" 4000 "run time (ms) against a server that never answers the end of DATA"
assert_eq "$(sql "SELECT attempts FROM failed_emails WHERE rcpt_to='silent1@example.org'")" 1 "counted: the server has the message"

# 4. A server that never sends its greeting is down: bounded too, and no attempt counted.
add_failed 1 $((NOW + 86400 - 3600)) mute
smtp_control '{"stall": "greeting"}'
t0=$(date +%s.%N)
expect_exit 1 mj run forward-retry --now $((NOW + 2 * 86400)) --max-runtime 10s
ms=$(elapsed_since "$t0")
assert_le "$ms" 4000 "run time (ms) against a server without a greeting"
assert_eq "$(sql "SELECT status, attempts FROM failed_emails WHERE rcpt_to='mute1@example.org'")" "pending|0" "transport down: attempt not counted"

# 5. Budget: each message takes 0.8 s; with 3 s of budget and a 2 s timeout a send starts only
# while 2 s are left, so the run ends inside its budget, reason "budget reached".
smtp_control '{}'
expect_exit 0 mj run forward-retry --now $((NOW + 3 * 86400 - 60))   # the earlier rows go out first
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE status <> 'delivered'")" 0 "earlier rows delivered"
smtp_control '{"delay": 0.8}'
add_failed 6 $((NOW + 3 * 86400 - 3600)) slow
t0=$(date +%s.%N)
expect_exit 0 mj run forward-retry --now $((NOW + 3 * 86400)) --max-runtime 3s
ms=$(elapsed_since "$t0")
assert_le "$ms" 3000 "run time (ms) within --max-runtime 3s"
sent=$(sql "SELECT count(*) FROM failed_emails WHERE rcpt_to LIKE 'slow%' AND status='delivered'")
assert_ge "$sent" 1 "slow messages sent"
assert_le "$sent" 2 "slow messages sent"
assert_eq "$(sql "SELECT exit_reason FROM job_runs ORDER BY id DESC LIMIT 1")" "budget reached" "exit reason"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE rcpt_to LIKE 'slow%' AND status='pending' AND attempts=0 AND claimed_by IS NULL")" $((6 - sent)) "the rest waits, unclaimed"
echo "ok"
