# A database path whose folder does not exist: exit 3, one line that says how to fix it, nothing created.
# backend: sqlite-only: the folder of the SQLite file
. "$(dirname "$0")/lib.sh"
expect_exit 3 mj tick --database nowhere/sub/mailjobs.db
assert_contains "$ERR" "database folder 'nowhere/sub' does not exist (create it: mkdir -p nowhere/sub)"
[ ! -e nowhere ] || fail "folder was created"
