# Malformed addresses are permanent failures decided before any SMTP transaction: no retry, a
# clear error on the row and in the attempt, the message kept (nothing lost), the user told once.
# An address that would read as a sendmail option ("-oQ...") counts as malformed.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
init_db
add_failed 1
sql "UPDATE failed_emails SET rcpt_to = 'no-at-sign.example.org' WHERE id = 1"
add_failed 1
sql "UPDATE failed_emails SET rcpt_to = '-oQ/tmp@example.org' WHERE id = 2"
add_failed 1
sql "UPDATE failed_emails SET rcpt_to = 'two words@example.org' WHERE id = 3"
add_failed 1                                              # id 4: fine
expect_exit 0 mj run forward-retry --now $NOW
assert_eq "$(smtp_received)" 1 "only the good one sent"
assert_eq "$(smtp_rejected)" 0 "the bad ones never reached the server"
assert_eq "$(sql "SELECT group_concat(status || ',' || attempts || ',' || ifnull(next_attempt_at, 'null'), ' ') FROM (SELECT * FROM failed_emails ORDER BY id) AS q0")" \
  "failed,1,null failed,1,null failed,1,null delivered,1,null" "final at once"
assert_eq "$(sql "SELECT last_error FROM failed_emails WHERE id = 1")" "malformed recipient address 'no-at-sign.example.org'" "clear error"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE raw_message IS NOT NULL")" 4 "messages kept"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE error LIKE 'malformed recipient address%' AND will_retry = 0")" 3 "attempts recorded"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'forward_failed'")" 3 "one notice each"
expect_exit 0 mj run forward-retry --now $((NOW + 86400))
assert_eq "$(sql "SELECT sum(attempts) FROM failed_emails")" 4 "never retried"
# a notice to a malformed address: failed, not retried, the good ones go
sql "DELETE FROM notification_outbox"
add_notices 2
sql "UPDATE notification_outbox SET to_address = 'user1@@example.com' WHERE id = (SELECT min(id) FROM notification_outbox)"
expect_exit 0 mj run notification-delivery --now $NOW
assert_eq "$(sql "SELECT group_concat(status || ',' || attempts || ',' || ifnull(last_error, ''), ' | ') FROM (SELECT * FROM notification_outbox ORDER BY id) AS q1")" \
  "failed,1,malformed recipient address 'user1@@example.com' | sent,1," "notice to a bad address"
assert_eq "$(sql "SELECT sent FROM send_quota")" 1 "quota: only the sent one"
