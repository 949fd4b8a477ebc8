# doctor names each way the database can be wrong, with its fix, exit 1 (issue 16): missing,
# read-only folder, not in WAL, auto_vacuum NONE, schema newer and older than the binary.
# backend: sqlite-only: doctor's checks of the SQLite file (WAL, auto_vacuum, a read-only folder)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/doctor.bash"
expect_exit 0 mjd doctor
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
# read-only folder (mode bits, so root is refused too)
chmod 555 var
expect_exit 1 mjd doctor
assert_check database.file FAIL "is not writable"
chmod 755 var
# not in WAL
sql "PRAGMA journal_mode=DELETE" >/dev/null
expect_exit 1 mjd doctor
assert_check database.wal FAIL "journal_mode is not WAL"
assert_contains "$OUT" "PRAGMA journal_mode=WAL"
sql "PRAGMA journal_mode=WAL" >/dev/null
# schema newer, then older, than this binary
v=$(sql "PRAGMA user_version")
sql "PRAGMA user_version = 99"
expect_exit 1 mjd doctor
assert_check database.schema FAIL "schema version 99 is newer than this mailjobs knows ($v)"
sql "PRAGMA user_version = $((v - 1))"
expect_exit 1 mjd doctor
assert_check database.schema FAIL "1 migration(s) pending"
assert_contains "$OUT" "mailjobs migrate"
sql "PRAGMA user_version = $v"
expect_exit 0 mjd doctor
# auto_vacuum NONE: a file the application created first
sqlite3 var/app.db "PRAGMA auto_vacuum = NONE; CREATE TABLE app_x(id INTEGER PRIMARY KEY);"
mj --database var/app.db migrate >/dev/null
mj --database var/app.db tick --quiet --set general.time_budget=10s >/dev/null
expect_exit 1 mjd --database var/app.db doctor
assert_check database.auto_vacuum FAIL "auto_vacuum = NONE"
assert_contains "$OUT" "PRAGMA auto_vacuum=INCREMENTAL; VACUUM;"
# missing file: said, nothing created
expect_exit 1 mjd --database var/none.db doctor
assert_check database.file FAIL "does not exist yet"
[ ! -e var/none.db ] || fail "doctor created var/none.db"
