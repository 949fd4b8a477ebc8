# forward-retry resends a spool file only from inside [job.forward-retry] spool_dir: a spool_path
# that is absolute elsewhere, climbs out with "..", or is a symlink to a file outside, must never
# mail that file's bytes to rcpt_to (jobs.ini with its SMTP password, the database). Such a row
# fails for good with the reason, nothing is sent for it, and the file is untouched.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
echo "smtp_password = SECRET-IN-JOBS-INI" >> jobs.ini
init_db
mkdir -p var/spool/in
printf 'From: a@sender.example.com\r\nSubject: inside\r\n\r\nok\r\n' > var/spool/in/ok.eml
ln -s "$WORK/jobs.ini" var/spool/in/link.eml
add_failed 4
sql "UPDATE failed_emails SET raw_message = NULL, spool_path = 'in/ok.eml' WHERE id = 1;
     UPDATE failed_emails SET raw_message = NULL, spool_path = '$WORK/jobs.ini' WHERE id = 2;
     UPDATE failed_emails SET raw_message = NULL, spool_path = '../../jobs.ini' WHERE id = 3;
     UPDATE failed_emails SET raw_message = NULL, spool_path = 'in/link.eml' WHERE id = 4;"
sha=$(sha256sum jobs.ini)
expect_exit 0 mj run forward-retry --now $NOW
assert_eq "$(smtp_received)" 1 "only the file inside spool_dir was sent"
assert_eq "$(smtp_field 'm["rcpt_tos"]')" "['dest1@example.org']" "sent to the inside row's recipient"
if grep -q SECRET-IN-JOBS-INI "$SMTP_DIR/messages.jsonl"; then fail "jobs.ini was mailed out"; fi
assert_eq "$(sql "SELECT group_concat(id || ':' || status, ' ') FROM (SELECT id, status FROM failed_emails ORDER BY id) AS q")" "1:delivered 2:failed 3:failed 4:failed" "statuses"
assert_contains "$(sql "SELECT last_error FROM failed_emails WHERE id = 2")" "outside the spool folder" "absolute path: reason"
assert_contains "$(sql "SELECT last_error FROM failed_emails WHERE id = 3")" "leaves the spool folder" "'..' path: reason"
assert_contains "$(sql "SELECT last_error FROM failed_emails WHERE id = 4")" "cannot be read" "symlink: not followed"
assert_eq "$(sha256sum jobs.ini)" "$sha" "jobs.ini untouched"
