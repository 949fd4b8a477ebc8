# Access revocation at soft-delete (BJ-18, issue 14): forward-retry never resends the mail of a
# user whose account is soft-deleted (status 'deleted' with deleted_at, or deleted_at alone) or
# suspended, not even a row whose claim expired: the row waits unclaimed and unattempted, its
# attempts unchanged, counted as waiting_user_inactive (dry-run the same). After the undo
# (deleted_at cleared, status back to 'active') the next run sends each of them once.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
init_db
add_failed 5            # ids 1..5, user 1, due now, to dest1..dest5@example.org
sql "INSERT INTO users(id, email, status, deleted_at) VALUES
       (2, 'deleted@example.com', 'deleted', $NOW - 3600),
       (3, 'suspended@example.com', 'suspended', NULL),
       (4, 'deleting@example.com', 'active', $NOW - 60);
     UPDATE failed_emails SET user_id = 2 WHERE id IN (2, 5);
     UPDATE failed_emails SET user_id = 3 WHERE id = 3;
     UPDATE failed_emails SET user_id = 4 WHERE id = 4;
     -- a claim abandoned by a killed run, before the account was deleted
     UPDATE failed_emails SET status = 'sending', claimed_by = 'dead', claim_expires_at = $NOW - 10 WHERE id = 5;"

expect_exit 0 mj run forward-retry --dry-run --now $NOW
assert_eq "$(sql "SELECT counts FROM job_runs WHERE dry_run = 1")" '{"waiting_user_inactive":4,"would_send":1}' "dry-run counts"

expect_exit 0 mj run forward-retry --now $NOW
assert_eq "$(smtp_received)" 1 "only the active user's mail is sent"
assert_eq "$(smtp_field 'm["rcpt_tos"][0]')" "dest1@example.org" "recipient"
assert_eq "$(sql "SELECT group_concat(id || ':' || status || ':' || attempts || ':' || ifnull(claimed_by, '-'), ' ') FROM failed_emails WHERE id > 1")" \
  "2:pending:0:- 3:pending:0:- 4:pending:0:- 5:sending:0:dead" "inactive users' rows wait, unclaimed, attempts unchanged"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE item_id > 1")" 0 "no attempt recorded for them"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 0 "no notice"
assert_eq "$(sql "SELECT changed || ' ' || counts FROM job_runs WHERE job = 'forward-retry' AND dry_run = 0 ORDER BY id DESC LIMIT 1")" \
  '1 {"delivered":1,"waiting_user_inactive":4}' "history counts what waited"

# much later, still deleted / suspended: still nothing, nothing failed
expect_exit 0 mj run forward-retry --now $((NOW + 30 * 86400))
assert_eq "$(smtp_received)" 1 "nothing sent for them a month later"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE id > 1 AND (status = 'failed' OR attempts > 0)")" 0 "nothing failed"

# undo: the application clears deleted_at and sets status back to active
sql "UPDATE users SET status = 'active', deleted_at = NULL WHERE id IN (2, 3, 4)"
expect_exit 0 mj run forward-retry --now $((NOW + 60))
assert_eq "$(smtp_received)" 5 "after the undo the waiting mail goes out"
assert_eq "$(smtp_field 'm["rcpt_tos"][0]' | sort | tr '\n' ' ')" \
  "dest1@example.org dest2@example.org dest3@example.org dest4@example.org dest5@example.org " "each once"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE status = 'delivered' AND attempts = 1")" 5 "delivered on their first attempt"
expect_exit 0 mj run forward-retry --now $((NOW + 120))
assert_eq "$(smtp_received)" 5 "rerun sends nothing"
