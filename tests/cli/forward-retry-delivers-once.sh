# forward-retry over real SMTP: every due message is delivered exactly once with its original
# envelope and bytes, marked delivered with a message_logs row and one job_attempts row; a row not
# yet due is left alone; an immediate rerun sends nothing (BJ-27); one connection for the batch.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
init_db
add_failed 5                                  # due now
add_failed 1 $((NOW - 600)) later             # first failure 10 min ago: due in 50 min
expect_exit 0 mj run forward-retry --now $NOW
assert_eq "$(smtp_received)" 5 "messages received"
assert_eq "$(smtp_field 'm["rcpt_tos"][0]' | sort | tr '\n' ' ')" "dest1@example.org dest2@example.org dest3@example.org dest4@example.org dest5@example.org " "recipients"
assert_eq "$(smtp_field 'm["mail_from"]' | sort -u)" "sender@sender.example.com" "envelope sender kept"
assert_contains "$(smtp_field 'm["data"]' | head -5)" "Subject: forward 1" "original message"
assert_eq "$(smtp_connections)" 1 "connections (one reused for the batch)"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE status='delivered' AND attempts=1 AND delivered_at=$NOW AND claimed_by IS NULL")" 5 "rows delivered"
assert_eq "$(sql "SELECT status || ',' || attempts FROM failed_emails WHERE rcpt_to='later1@example.org'")" "pending,0" "row not due untouched"
assert_eq "$(sql "SELECT count(*) FROM message_logs WHERE outcome='delivered' AND user_id=1 AND alias_id=1")" 5 "message logs"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE job='forward-retry' AND item_table='failed_emails' AND attempt=1 AND error IS NULL AND will_retry=0")" 5 "attempts recorded"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 0 "no notice on success"
assert_eq "$(sql "SELECT changed || ' ' || counts FROM job_runs WHERE job='forward-retry' ORDER BY id DESC LIMIT 1")" '5 {"delivered":5}' "history counts"
# per-message outcome in the log
assert_eq "$(grep -c '"event":"message"' var/mailjobs.log)" 5 "per-message log lines"
# rerun: nothing due, nothing sent
expect_exit 0 mj run forward-retry --now $((NOW + 60))
assert_eq "$(smtp_received)" 5 "messages after rerun"
# dry-run at the later row's due time lists it and sends nothing
expect_exit 0 mj run forward-retry --dry-run --now $((NOW + 3000))
assert_eq "$(smtp_received)" 5 "dry-run sends nothing"
assert_eq "$(sql "SELECT status FROM failed_emails WHERE rcpt_to='later1@example.org'")" "pending" "dry-run claims nothing"
assert_eq "$(sql "SELECT counts FROM job_runs WHERE dry_run=1")" '{"would_send":1}' "dry-run counts"
