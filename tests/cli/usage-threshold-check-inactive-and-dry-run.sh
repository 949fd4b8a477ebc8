# usage-threshold-check skips deleted and suspended users (nothing recorded, nothing mailed) and
# users without a quota; a dry run counts what a run records and mails, and writes nothing but
# its history row; the run then records exactly that.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/usage.bash"
init_db
quota_user 1 1000 1
quota_user 2 1000 1 suspended
quota_user 3 1000 1 deleted
quota_user 4 1000 1
sql "UPDATE users SET deleted_at = $(t 2027-03-01) WHERE id = 3; UPDATE users SET deleted_at = $(t 2027-03-01) WHERE id = 4"
sql "INSERT INTO users(id, email, created_at) VALUES (5, 'noquota@example.com', 0)"
for u in 1 2 3 4 5; do use $u 2000 2027-03-05T00:00; done
sha=$(db_sha)
expect_exit 0 mj run usage-threshold-check --dry-run --now 2027-03-06T00:00
assert_eq "$(sql "SELECT count(*) FROM usage_threshold_events") $(sql "SELECT count(*) FROM notification_outbox") $(sql "SELECT count(*) FROM notifications")" \
  "0 0 0" "dry run wrote nothing"
counts=$(last_counts usage-threshold-check)
assert_eq "$(sql "SELECT json_extract('$counts', '$.usage_threshold_events') || ' ' || json_extract('$counts', '$.notification_outbox') || ' ' || json_extract('$counts', '$.users_checked')")" \
  "4 1 1" "dry run: user 1's 60, 70, 80, 100, one notice; one user checked"
expect_exit 0 mj run usage-threshold-check --now 2027-03-06T00:00
assert_eq "$(sql "SELECT group_concat(DISTINCT user_id) FROM usage_threshold_events")" 1 "only the active user with a quota"
assert_eq "$(sql "SELECT count(*) FROM usage_threshold_events")" 4 "the run records what the dry run counted"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE user_id <> 1")" 0 "nothing mailed to inactive users"
assert_eq "$(sql "SELECT count(*) FROM notifications WHERE user_id <> 1")" 0 "no in-app notification either"
# Suspension lifted: the user is checked on the next run.
sql "UPDATE users SET status = 'active' WHERE id = 2"
expect_exit 0 mj run usage-threshold-check --now 2027-03-06T01:00
assert_eq "$(sql "SELECT count(*) FROM usage_threshold_events WHERE user_id = 2")" 4 "reactivated user checked"
