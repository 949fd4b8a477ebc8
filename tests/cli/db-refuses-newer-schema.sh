# A database written by a newer mailjobs is refused with exit 3 and left byte-for-byte unchanged.
. "$(dirname "$0")/lib.sh"
init_db
# the schema version: SQLite's user_version; PostgreSQL's schema_version table
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then sql "UPDATE schema_version SET version = 999"
else sql "PRAGMA user_version = 999"; fi
before=$(db_sha)
expect_exit 3 mj tick
assert_contains "$ERR" "mailjobs: error: database schema version 999 is newer than this mailjobs knows"
expect_exit 3 mj migrate
expect_exit 3 mj run session-cleanup
assert_eq "$(db_sha)" "$before" "database file"
