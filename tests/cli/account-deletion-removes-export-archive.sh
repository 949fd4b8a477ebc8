# account-deletion removes the user's export archives with their rows (a dry-run counts them
# first); another user's archive stays, and its link still works.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/account-export.bash"
init_db
export_config
add_account 1 3
add_account 2 3
sql "UPDATE exports SET requested_at = $NOW - 60"
mj run account-export --now $NOW >/dev/null
f1=$(export_file 1); f2=$(export_file 2)
[ -f "$f1" ] && [ -f "$f2" ] || fail "fixture: two archives"
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 4*86400 WHERE id = 1"
OUT=$(mj run account-deletion --now $NOW --dry-run --json)
assert_eq "$(json_get "d[0]['counts']['export_files']")" 1 "dry-run counts the archive"
[ -f "$f1" ] || fail "dry-run removed the archive"
OUT=$(mj run account-deletion --now $NOW --json)
assert_eq "$(json_get "d[0]['counts']['export_files']")" 1 "history: the archive removed"
[ ! -e "$f1" ] || fail "the deleted user's archive is still there"
[ -f "$f2" ] || fail "the other user's archive is gone"
assert_eq "$(sql "SELECT status FROM exports WHERE user_id = 2")" ready "the other export stays ready"
