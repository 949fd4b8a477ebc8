# `mailjobs config` reports every [retention.NAME] problem tick would refuse (exit 2, FILE:LINE),
# reading the database read-only: the file is never written, migrated or created.
. "$(dirname "$0")/lib.sh"
init_db
sql "CREATE TABLE app_events(id INTEGER PRIMARY KEY, kind TEXT, created_at INTEGER)"
cp jobs.ini jobs.good
cat >> jobs.ini <<'INI'
[retention.typo]
table = app_evnts
time_column = created_at
older_than = 30d
[retention.stacked]
table = app_events
time_column = created_at
older_than = 30d
where = 1; DELETE FROM users
INI
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
before=$(db_sha)
expect_exit 2 mj config
assert_contains "$ERR" "jobs.ini:5: [retention.typo] table 'app_evnts' does not exist (did you mean 'app_events'?)"
assert_contains "$ERR" "jobs.ini:12: [retention.stacked] where '1; DELETE FROM users' does not work: ';' is not allowed"
assert_contains "$ERR" "mailjobs: error: 2 retention policy problems; nothing was run"
assert_eq "$OUT" "" "nothing printed on stdout"
expect_exit 2 mj config --json
assert_eq "$(db_sha)" "$before" "database file"
# tick agrees
expect_exit 2 mj tick --now $NOW
# the database is opened read-only: a read-only file is still checked (and a bad policy found)
# (the file's mode: SQLite only)
if [ "${MJ_TEST_BACKEND:-sqlite}" != postgresql ]; then
  chmod 444 var/mailjobs.db
  expect_exit 2 mj config
  assert_contains "$ERR" "[retention.typo] table 'app_evnts' does not exist"
  chmod 644 var/mailjobs.db
fi

# no database yet: checked against the tables a new database gets, and not created
expect_exit 2 mj config --database var/new.db
assert_contains "$ERR" "database var/new.db does not exist yet: policies checked against the tables a new database gets"
assert_contains "$ERR" "[retention.typo] table 'app_evnts' does not exist"
[ ! -e var/new.db ] || fail "config created the database"

# a database that still needs migrations: checked against its migrated schema, left unmigrated
sqlite3 var/app.db "CREATE TABLE app_events(id INTEGER PRIMARY KEY, kind TEXT, created_at INTEGER)"
app_before=$(db_sha var/app.db)
cp jobs.good fresh.ini
printf '[retention.outbox]\ntable = notification_outbox\ntime_column = created_at\nolder_than = 60d\n' >> fresh.ini
printf '[retention.bad]\ntable = app_events\ntime_column = nope\nolder_than = 1d\n' >> fresh.ini
expect_exit 2 mj config --config fresh.ini --database var/app.db
assert_contains "$ERR" "needs migrations: policies checked against its migrated schema"
assert_contains "$ERR" "fresh.ini:10: [retention.bad] column 'nope' does not exist in table 'app_events'"
assert_contains "$ERR" "mailjobs: error: 1 retention policy problem; nothing was run"
assert_eq "$(db_sha var/app.db)" "$app_before" "unmigrated database"
assert_eq "$(sqlite3 var/app.db "PRAGMA user_version")" 0 "not migrated"

# not a database: said, not fatal for config (tick exits 3 on it)
echo "hello" > var/junk.db
cat jobs.good > ok.ini
printf '[retention.ok]\ntable = app_events\ntime_column = created_at\nolder_than = 60d\nwhere = kind = '"'"'x'"'"'\n' >> ok.ini
expect_exit 0 mj config --config ok.ini --database var/junk.db
assert_contains "$ERR" "cannot be read"
assert_contains "$ERR" "policies not checked"
# a good policy against the real database: exit 0, no note
expect_exit 0 mj config --config ok.ini
assert_eq "$ERR" "" "stderr"
assert_contains "$OUT" "[retention.ok]"
