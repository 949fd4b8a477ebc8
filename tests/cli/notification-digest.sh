# digest = true folds the due notices of one user and one persona into one e-mail: the folded
# rows become 'digested' pointing at a new 'digest' row, which is sent once and counts once
# against the hourly cap. Notices from another persona (overflow-hold) stay separate.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
printf '[job.notification-delivery]\ndigest = true\n' >> jobs.ini
init_db
add_notices 3 1
add_notices 1 2
sql "INSERT INTO notification_outbox(user_id, to_address, persona, kind, subject, body, dedupe_key, next_attempt_at)
     VALUES(1, 'user1@example.com', 'overflow_hold', 'overflow_hold_warning', 'Held mail goes tomorrow', 'w', 'ohw:9', $NOW)"
expect_exit 0 mj run notification-delivery --now $NOW
assert_eq "$(smtp_received)" 3 "e-mails: user1 digest, user1 hold warning, user2"
assert_eq "$(smtp_field 'm["rcpt_tos"][0]' | sort | tr '\n' ' ')" "user1@example.com user1@example.com user2@example.com " "recipients"
digest=$(sql "SELECT id FROM notification_outbox WHERE kind='digest'")
assert_eq "$(sql "SELECT status || ',' || user_id || ',' || persona FROM notification_outbox WHERE id=$digest")" "sent,1,porter" "digest row sent"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status='digested' AND digest_id=$digest")" 3 "folded rows"
body=$(smtp_bodies)
for i in 1 2 3; do assert_contains "$body" "== Notice $i for user 1 ==" "digest holds notice $i"; done
assert_eq "$(sql "SELECT sent FROM send_quota")" 3 "quota counts e-mails, not notices"
assert_eq "$(sql "SELECT status FROM notification_outbox WHERE dedupe_key='ohw:9'")" "sent" "other persona sent alone"
expect_exit 0 mj run notification-delivery --now $((NOW + 600))
assert_eq "$(smtp_received)" 3 "nothing twice"
