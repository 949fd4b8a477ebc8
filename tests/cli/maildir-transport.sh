# The maildir transport writes one file per message into new/ (via tmp/, nothing left there), with
# the envelope as Return-Path/Delivered-To. A folder that cannot be written fails the run with a
# clear error and loses nothing: the notices stay queued and go out once it is fixed.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
cat >> jobs.ini <<'INI'
[mail]
transport = maildir
maildir_path = var/md
from_address = porter@mail.example.net
personas = overflow_hold=Hold Desk <hold@mail.example.net>
INI
init_db
add_notices 3
sql "INSERT INTO notification_outbox(user_id, to_address, persona, from_name, kind, subject, body, dedupe_key, next_attempt_at)
     VALUES(1, 'user1@example.com', 'overflow_hold', NULL, 'overflow_hold_warning', 'Held mail is deleted tomorrow', 'x', 'ohw:1', $NOW),
           (1, 'user1@example.com', 'overflow-hold', 'Your Mail Guard', 'overflow_hold_warning', 'Held mail is deleted tomorrow', 'y', 'ohw:2', $NOW);"
expect_exit 0 mj run notification-delivery --now $NOW
assert_eq "$(ls var/md/new | wc -l)" 5 "files in new/"
assert_eq "$(ls var/md/tmp | wc -l)" 0 "nothing left in tmp/"
assert_eq "$(grep -l '^Delivered-To: user1@example.com$' var/md/new/* | wc -l)" 5 "Delivered-To"
assert_eq "$(grep -l '^Return-Path: <porter@mail.example.net>$' var/md/new/* | wc -l)" 3 "porter's Return-Path"
assert_eq "$(grep -h '^From: ' var/md/new/* | sort | uniq -c | sed 's/^ *//')" \
  "$(printf '1 From: "Hold Desk" <hold@mail.example.net>\n3 From: "Porter" <porter@mail.example.net>\n1 From: "Your Mail Guard" <hold@mail.example.net>')" "personas and from_name"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status='sent'")" 5 "all sent"
# a forward: the envelope recipient is the destination, not the alias in To:
add_failed 1
expect_exit 0 mj run forward-retry --now $NOW
assert_eq "$(grep -l '^Delivered-To: dest1@example.org$' var/md/new/* | wc -l)" 1 "forward written"
# unwritable folder: run fails, notices wait
add_notices 2 2
sed -i 's#^maildir_path = .*#maildir_path = jobs.ini/md#' jobs.ini
expect_exit 1 mj run notification-delivery --now $NOW
assert_contains "$(sql "SELECT error FROM job_runs ORDER BY id DESC LIMIT 1")" "cannot create jobs.ini/md: Not a directory" "history error"
assert_eq "$(sql "SELECT group_concat(status || ',' || attempts) FROM notification_outbox WHERE user_id=2")" "queued,0,queued,0" "notices wait, attempts not counted"
sed -i 's#^maildir_path = .*#maildir_path = var/md#' jobs.ini
expect_exit 0 mj run notification-delivery --now $((NOW + 3600))
assert_eq "$(grep -l '^Delivered-To: user2@example.com$' var/md/new/* | wc -l)" 2 "sent once fixed"
