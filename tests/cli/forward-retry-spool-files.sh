# Messages kept in spool files (failed_emails.spool_path, relative to [job.forward-retry]
# spool_dir): sent byte for byte from the file; a missing file is a permanent failure with the path
# in the error, and the user is told once. Spool files are not removed by forward-retry (the
# expiry job removes them with their rows).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
init_db
mkdir -p var/spool/2026
printf 'From: a@sender.example.com\r\nSubject: spooled\r\n\r\nfrom the spool\r\n' > var/spool/2026/m1.eml
add_failed 2
sql "UPDATE failed_emails SET raw_message = NULL, spool_path = '2026/m1.eml' WHERE id = 1;
     UPDATE failed_emails SET raw_message = NULL, spool_path = '2026/gone.eml' WHERE id = 2;"
expect_exit 0 mj run forward-retry --now $NOW
assert_eq "$(smtp_received)" 1 "spooled message sent"
assert_eq "$(smtp_field 'm["data"]')" "$(printf 'From: a@sender.example.com\r\nSubject: spooled\r\n\r\nfrom the spool\r\n')" "bytes from the file"
assert_eq "$(sql "SELECT status FROM failed_emails WHERE id = 1")" "delivered" "delivered"
assert_eq "$(sql "SELECT status || ',' || last_error FROM failed_emails WHERE id = 2")" "failed,spool file var/spool/2026/gone.eml cannot be read" "missing file: permanent"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE dedupe_key = 'forward_failed:2'")" 1 "user told"
[ -f var/spool/2026/m1.eml ] || fail "spool file removed by forward-retry"
