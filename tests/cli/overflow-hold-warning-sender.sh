# The overflow-hold warning, sent by the real notification-delivery job (maildir transport), comes
# from the overflow_hold persona ("Overflow Hold"), never Porter; [job.overflow-hold-expiry]
# sender_name renames it; the mail says when the message will be deleted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
cat >> jobs.ini <<'INI'
[mail]
transport = maildir
maildir_path = var/maildir
from_address = notices@example.com
INI
init_db
add_users 2
D=86400
sql "INSERT INTO overflow_hold(id, user_id, mail_from, rcpt_to, subject, raw_message, size_bytes, held_at) VALUES
  (1, 1, 'x@example.net', 'b@example.org', 'Quarterly report', x'00', 1, $NOW - 29*$D - 60)"
expect_exit 0 mj run overflow-hold-expiry notification-delivery --now $NOW
mail=$(cat var/maildir/new/*)
assert_eq "$(ls var/maildir/new | wc -l)" 1 "one mail"
assert_contains "$(grep -i '^From:' <<<"$mail")" "Overflow Hold" "From header"
assert_contains "$(grep -i '^From:' <<<"$mail")" "notices@example.com" "From address"
assert_contains "$(grep -i '^To:' <<<"$mail")" "user1@example.com" "To header"
assert_contains "$mail" "It will be deleted after $(date -u -d @$((NOW + D)) '+%A %d %B %Y, %H:%M UTC')" "purge time in the mail"
if grep -qi porter <<<"$mail"; then fail "the warning mentions Porter: $mail"; fi

sql "INSERT INTO overflow_hold(id, user_id, mail_from, rcpt_to, subject, raw_message, size_bytes, held_at) VALUES
  (2, 2, 'x@example.net', 'b@example.org', 'Invoice', x'00', 1, $NOW - 29*$D - 60)"
rm var/maildir/new/*
expect_exit 0 mj run overflow-hold-expiry notification-delivery --now $((NOW + 60)) --set 'job.overflow-hold-expiry.sender_name=Held Mail Desk'
assert_contains "$(grep -i '^From:' var/maildir/new/*)" "Held Mail Desk" "sender_name wins"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status = 'sent'")" 2 "both sent, once each"
