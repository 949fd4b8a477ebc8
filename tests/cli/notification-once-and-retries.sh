# Each notice goes exactly once: queueing the same dedupe key again adds nothing, a sent notice is
# never sent again, a 4xx is retried after the backoff (not before), a 5xx fails it for good, and
# a notice that keeps failing gives up after retry_schedule is used up. Every attempt is recorded.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
init_db
add_notices 3
# the same notices queued again (a producer that ran twice): nothing new
sql "INSERT INTO notification_outbox(user_id, to_address, kind, subject, body, dedupe_key)
     VALUES(1, 'user1@example.com', 'test_notice', 'again', 'again', 'test_notice:1:1') ON CONFLICT(dedupe_key) DO NOTHING"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 3 "dedupe key"
expect_exit 0 mj run notification-delivery --now $NOW
expect_exit 0 mj run notification-delivery --now $((NOW + 60))
expect_exit 0 mj run notification-delivery --now $((NOW + 86400))
assert_eq "$(smtp_received)" 3 "sent once each"
assert_eq "$(smtp_field 'm["data"]' | grep -c '^X-Mailjobs-Notice: ')" 3 "notice header"

# 4xx for user2: backoff 5m, not sent before, sent once after
add_notices 1 2
smtp_control '{"rcpt": {"user2@example.com": "450 4.2.1 try later"}}'
expect_exit 0 mj run notification-delivery --now $NOW
assert_eq "$(sql "SELECT status || ',' || attempts || ',' || (next_attempt_at - $NOW) FROM notification_outbox WHERE user_id=2")" "queued,1,300" "rescheduled 5m later"
smtp_control '{}'
expect_exit 0 mj run notification-delivery --now $((NOW + 299))
assert_eq "$(smtp_received)" 3 "not before the backoff"
expect_exit 0 mj run notification-delivery --now $((NOW + 300))
assert_eq "$(smtp_received)" 4 "sent after the backoff"
assert_eq "$(sql "SELECT status || ',' || attempts FROM notification_outbox WHERE user_id=2")" "sent,2" "sent on attempt 2"
assert_eq "$(sql "SELECT group_concat(attempt || ':' || ifnull(status_code, '-') || ':' || will_retry, ' ') FROM job_attempts WHERE item_table='notification_outbox' AND item_id=(SELECT id FROM notification_outbox WHERE user_id=2)")" "1:450:1 2:250:0" "attempts recorded"

# 5xx for user3: failed at once, never retried
add_notices 1 3
smtp_control '{"rcpt": {"user3@example.com": "550 5.1.1 no such user"}}'
expect_exit 0 mj run notification-delivery --now $NOW
expect_exit 0 mj run notification-delivery --now $((NOW + 86400))
assert_eq "$(sql "SELECT status || ',' || attempts FROM notification_outbox WHERE user_id=3")" "failed,1" "5xx final"
assert_eq "$(smtp_rejected)" 2 "refusals: 1 x 450, 1 x 550"

# 4xx forever for user4: 1 + 4 attempts (5m, 30m, 2h, 6h), then failed
add_notices 1 4
smtp_control '{"rcpt_all": "451 4.3.0 busy"}'
t=$NOW
for wait in 0 300 1800 7200 21600; do
  t=$((t + wait)); expect_exit 0 mj run notification-delivery --now $t
done
assert_eq "$(sql "SELECT status || ',' || attempts FROM notification_outbox WHERE user_id=4")" "failed,5" "gave up after the schedule"
expect_exit 0 mj run notification-delivery --now $((t + 86400))
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE item_table='notification_outbox' AND item_id=(SELECT id FROM notification_outbox WHERE user_id=4)")" 5 "no sixth attempt"
