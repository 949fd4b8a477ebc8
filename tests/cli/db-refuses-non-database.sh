# A file that is not SQLite is refused with exit 3, one line, and left unchanged (no -wal/-shm).
# backend: sqlite-only: a file that is not a SQLite database
. "$(dirname "$0")/lib.sh"
printf 'these are my notes, not a database\n%.0s' $(seq 1 200) > var/mailjobs.db
before=$(db_sha)
expect_exit 3 mj tick
assert_eq "$ERR" "mailjobs: error: 'var/mailjobs.db' is not a SQLite database" "stderr"
expect_exit 3 mj status
assert_eq "$(db_sha)" "$before" "file"
[ ! -e var/mailjobs.db-wal ] || fail "a -wal file was created"
