# overflow-hold-expiry when runs skip days: a warned message is purged by the next run without a
# second warning; a message found already past 30 d without a warning is warned at once and purged
# only a full day after the warning was sent (never a purge without a warning, never a warning
# after the purge). sent(): notification-delivery sends what is queued, in the same tick.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
D=86400
sql "INSERT INTO overflow_hold(id, user_id, mail_from, rcpt_to, subject, raw_message, size_bytes, held_at) VALUES
  (1, 1, 'x@example.net', 'b@example.org', 'A', x'00', 1, $NOW - 29*$D - 12*3600),
  (2, 2, 'x@example.net', 'b@example.org', 'C', x'00', 1, $NOW - 28*$D)"
outbox() { sql "SELECT group_concat(dedupe_key || '@' || (created_at - $NOW), ' ') FROM (SELECT * FROM notification_outbox ORDER BY id) AS q0"; }
sent() { sql "UPDATE notification_outbox SET status = 'sent', sent_at = $1 WHERE status = 'queued'"; }
left() { sql "SELECT ifnull(group_concat(id), '-') FROM (SELECT id FROM overflow_hold ORDER BY id) AS q1"; }

expect_exit 0 mj run overflow-hold-expiry --now $NOW
sent $NOW
assert_eq "$(outbox)" "overflow_hold_warning:1@0" "day 0: A warned, C too young"
assert_eq "$(left)" "1,2" "day 0: nothing purged"
# cron down for three days
expect_exit 0 mj run overflow-hold-expiry --now $((NOW + 3*D))
sent $((NOW + 3*D))
assert_eq "$(left)" "2" "day 3: A purged (warned 3 d ago); C kept although 31 d old (no warning yet)"
assert_eq "$(outbox)" "overflow_hold_warning:1@0 overflow_hold_warning:2@$((3*D))" "day 3: C warned now, A not again"
assert_contains "$(sql "SELECT subject FROM notification_outbox WHERE dedupe_key = 'overflow_hold_warning:2'")" "will be deleted on {{mailjobs:sent+$D>=$((NOW + 2*D))}}" \
  "C's warning states the purge a full day after it is sent"
expect_exit 0 mj run overflow-hold-expiry --now $((NOW + 4*D - 1))
assert_eq "$(left)" "2" "1 s before a full day after the warning: C kept"
# cron skips again; the next run is two days later
expect_exit 0 mj run overflow-hold-expiry --now $((NOW + 6*D))
assert_eq "$(left)" "-" "C purged"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 2 "one warning per message in all"
