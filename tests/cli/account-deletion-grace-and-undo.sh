# account-deletion grace: a user soft-deleted less than `grace` ago (3 d by default) is not touched;
# a user whose deleted_at was cleared (undo) is never touched; grace = 0 purges at the next run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/account-deletion.bash"
init_db
add_account 1 5
add_account 2 5
add_account 3 5
D=86400
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 3*$D + 60 WHERE id = 1;
     UPDATE users SET status = 'deleted', deleted_at = $NOW - 10*$D WHERE id = 2"
before1=$(rows_of 1)
before2=$(rows_of 2)
before3=$(rows_of 3)
# The application undoes user 2's deletion during the grace.
sql "UPDATE users SET deleted_at = NULL, status = 'active' WHERE id = 2"
expect_exit 0 mj run account-deletion --now $NOW --json
assert_eq "$(json_get "d[0]['changed']")" 0 "nothing purged"
assert_eq "$(rows_of 1)" "$before1" "user 1 (in grace) untouched"
assert_eq "$(rows_of 2)" "$before2" "user 2 (undone) untouched"
assert_eq "$(sql "SELECT count(*) FROM account_deletions WHERE user_uuid NOT LIKE 'old-%'")" 0 "no deletion started"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'account_deleted'")" 0 "no notice"
# Two minutes later user 1's grace is over.
expect_exit 0 mj run account-deletion --now $((NOW + 120)) --json
assert_eq "$(rows_of 1 | grep -c '=0$')" "$(rows_of 1 | wc -l)" "user 1 purged after the grace"
assert_eq "$(rows_of 2)" "$before2" "user 2 still untouched"
# grace = 0: a deletion requested now goes at the next run.
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW WHERE id = 3"
expect_exit 0 mj run account-deletion --now $NOW --set job.account-deletion.grace=0 --json
assert_eq "$(json_get "d[0]['counts']['users']")" 1 "grace 0: purged at once"
assert_eq "$(sql "SELECT count(*) FROM users WHERE id = 3")" 0 "user 3 gone"
expect_exit 2 mj run account-deletion --now $NOW --set job.account-deletion.grace=0s
