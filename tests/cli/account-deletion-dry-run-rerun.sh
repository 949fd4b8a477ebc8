# account-deletion dry-run counts exactly what the run then deletes (same names, same numbers) and
# writes nothing (the database file is byte-for-byte the same, no spool file removed); a rerun
# after the deletion changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/account-deletion.bash"
init_db
printf '[job.account-deletion]\nspool_dir = var/spool\n' >> jobs.ini
add_account 1 200
add_account 2 50
add_account 3 30
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 5*86400 WHERE id IN (1, 3)"
state0=$(db_state; rows_of 1; rows_of 2; rows_of 3)
files=$(ls var/spool | wc -l)
expect_exit 0 mj run account-deletion --now $NOW --dry-run --json
dry=$(json_get "json.dumps(d[0]['counts'], sort_keys=True)")
dry_changed=$(json_get "d[0]['examined']")  # a dry-run's "would change" (cli/report.cpp)
assert_eq "$(db_state; rows_of 1; rows_of 2; rows_of 3)" "$state0" "dry-run wrote nothing"
assert_eq "$(ls var/spool | wc -l)" "$files" "dry-run removed no file"
expect_exit 0 mj run account-deletion --now $NOW --json
assert_eq "$(json_get "json.dumps(d[0]['counts'], sort_keys=True)")" "$dry" "real counts == dry-run counts"
assert_eq "$(json_get "d[0]['changed']")" "$dry_changed" "changed == dry-run would-change"
assert_eq "$(json_get "d[0]['counts']['accounts_deleted']")" 2 "two accounts"
state=$(db_state)
expect_exit 0 mj run account-deletion --now $NOW --json
assert_eq "$(json_get "d[0]['changed']")" 0 "rerun changes nothing"
assert_eq "$(json_get "json.dumps(d[0]['counts'])")" "{}" "rerun counts nothing"
assert_eq "$(db_state)" "$state" "rerun: same end state"
expect_exit 0 mj run account-deletion --now $NOW --dry-run --json
assert_eq "$(json_get "d[0]['examined']")" 0 "dry-run after the deletion: nothing"
