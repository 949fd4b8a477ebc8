# Access revocation at soft-delete (BJ-18, issue 14): notification-delivery sends no notice to a
# user whose account is soft-deleted (status 'deleted' with deleted_at, or deleted_at alone) or
# suspended; operator mail (user_id NULL) and active users' notices go. The waiting notices stay
# queued, unclaimed, attempts unchanged, take no slot of the hourly cap, are never folded into a
# digest, and are counted as waiting_user_inactive (dry-run the same). After the undo the next run
# sends each once.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
printf '[job.notification-delivery]\ndigest = true\n' >> jobs.ini
init_db
add_notices 2 1
add_notices 2 2
add_notices 1 3
add_notices 1 4
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 3600 WHERE id = 2;
     UPDATE users SET status = 'suspended' WHERE id = 3;
     UPDATE users SET deleted_at = $NOW - 60 WHERE id = 4;
     INSERT INTO notification_outbox(user_id, to_address, kind, subject, body, dedupe_key, next_attempt_at)
       VALUES(NULL, 'operator@example.net', 'operator_alert', 'to the operator', 'b', 'op:1', $NOW - 60);"

expect_exit 0 mj run notification-delivery --dry-run --now $NOW
assert_eq "$(sql "SELECT counts FROM job_runs WHERE dry_run = 1")" '{"waiting_user_inactive":4,"would_send":3}' "dry-run counts"

expect_exit 0 mj run notification-delivery --now $NOW
assert_eq "$(smtp_field 'm["rcpt_tos"][0]' | sort | tr '\n' ' ')" "operator@example.net user1@example.com " \
  "the active user's digest and the operator's notice only"
assert_eq "$(sql "SELECT group_concat(user_id || ':' || status || ':' || attempts || ':' || ifnull(claimed_by, '-') || ':' || ifnull(digest_id, '-'), ' ')
                  FROM notification_outbox WHERE user_id > 1")" \
  "2:queued:0:-:- 2:queued:0:-:- 3:queued:0:-:- 4:queued:0:-:-" "inactive users' notices wait"
assert_eq "$(sql "SELECT count(*) FROM job_attempts j JOIN notification_outbox o ON o.id = j.item_id WHERE o.user_id > 1")" 0 "no attempts"
assert_eq "$(sql "SELECT sum(sent) FROM send_quota")" 2 "hourly cap counts only what was sent"
assert_eq "$(sql "SELECT counts FROM job_runs WHERE job = 'notification-delivery' AND dry_run = 0 ORDER BY id DESC LIMIT 1")" \
  '{"digested":2,"sent":2,"waiting_user_inactive":4}' "history counts what waited"

# undo
sql "UPDATE users SET status = 'active', deleted_at = NULL WHERE id IN (2, 3, 4)"
expect_exit 0 mj run notification-delivery --now $((NOW + 60))
assert_eq "$(smtp_received)" 5 "after the undo: one digest for user 2, one notice each for users 3 and 4"
assert_eq "$(smtp_field 'm["rcpt_tos"][0]' | sort | tr '\n' ' ')" \
  "operator@example.net user1@example.com user2@example.com user3@example.com user4@example.com " "each once"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status IN ('queued','sending')")" 0 "nothing left queued"
expect_exit 0 mj run notification-delivery --now $((NOW + 120))
assert_eq "$(smtp_received)" 5 "rerun sends nothing"
