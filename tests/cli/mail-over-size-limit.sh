# A message over [mail] max_message_bytes fails permanently before it is sent, with the sizes in
# the error, and stays in the table whole (nothing lost); the user is told once.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
echo "max_message_bytes = 1000" >> jobs.ini
init_db
add_failed 2
sql "UPDATE failed_emails SET raw_message = CAST(raw_message || CAST(replace(hex(zeroblob(600)), '00', 'ab') AS BLOB) AS BLOB) WHERE id = 1"
size=$(sql "SELECT length(raw_message) FROM failed_emails WHERE id = 1")
sha=$(sql "SELECT hex(raw_message) FROM failed_emails WHERE id = 1" | sha256sum)
expect_exit 0 mj run forward-retry --now $NOW
assert_eq "$(smtp_received)" 1 "the small one went"
assert_eq "$(smtp_connections)" 1 "the big one opened nothing"
assert_eq "$(sql "SELECT status || ',' || ifnull(next_attempt_at, 'null') FROM failed_emails WHERE id = 1")" "failed,null" "failed for good"
assert_eq "$(sql "SELECT last_error FROM failed_emails WHERE id = 1")" "message is $size bytes, over the limit of 1000 bytes ([mail] max_message_bytes)" "clear error"
assert_eq "$(sql "SELECT hex(raw_message) FROM failed_emails WHERE id = 1" | sha256sum)" "$sha" "message kept byte for byte"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE dedupe_key = 'forward_failed:1'")" 1 "user told"
assert_contains "$(sql "SELECT body FROM notification_outbox")" "over the limit" "notice gives the reason"
