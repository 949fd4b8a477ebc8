# Operator policies are checked against the schema whenever a command opens the database: an
# unknown table or column, a `where` SQLite cannot prepare or that tries to leave its parentheses,
# a WITHOUT ROWID table or one mailjobs needs, are each listed as FILE:LINE, the command exits 2,
# nothing runs and the database file is byte-identical. A database that does not exist yet is not
# created; one that still needs migrations is checked against the migrated schema, untouched.
. "$(dirname "$0")/lib.sh"
init_db
add_users 1
# app_pairs has no rowid: SQLite's WITHOUT ROWID; PostgreSQL has no rowid, a two-column key is the same
without_rowid=" WITHOUT ROWID" syntax_error='near "=": syntax error'
[ "${MJ_TEST_BACKEND:-sqlite}" != postgresql ] || without_rowid="" syntax_error='syntax error at or near "="'
sql "CREATE TABLE app_events(id INTEGER PRIMARY KEY, kind TEXT, created_at INTEGER);
     CREATE TABLE app_pairs(a INTEGER, b INTEGER, PRIMARY KEY (a, b))$without_rowid;
     INSERT INTO app_events(kind, created_at) VALUES ('login', 1), ('login', 2);"
add_sessions 5 $((NOW - 10*86400)) $((NOW - 10*86400))
users=$(sql "SELECT count(*) FROM users")  # 1, or 100 on PostgreSQL (add_sessions makes its users)
cp jobs.ini jobs.good
cat >> jobs.ini <<'INI'
[retention.typo]
table = app_evnts
time_column = created_at
older_than = 30d
[retention.column]
table = app_events
time_column = created
older_than = 30d
[retention.sql]
table = app_events
time_column = created_at
older_than = 30d
where = kind = = 'x'
[retention.escape]
table = app_events
time_column = created_at
older_than = 30d
where = kind = 'x') OR (1 = 1
[retention.stacked]
table = app_events
time_column = created_at
older_than = 30d
where = 1; DELETE FROM users
[retention.pairs]
table = app_pairs
time_column = a
older_than = 1d
[retention.locks]
table = job_locks
time_column = expires_at
older_than = 1d
INI
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
before=$(db_sha)
for cmd in "run session-cleanup --now $NOW" "tick --now $NOW" "list" "status" "history" "vacuum"; do
  # shellcheck disable=SC2086
  expect_exit 2 mj $cmd
  assert_contains "$ERR" "jobs.ini:5: [retention.typo] table 'app_evnts' does not exist (did you mean 'app_events'?)"
  assert_contains "$ERR" "jobs.ini:10: [retention.column] column 'created' does not exist in table 'app_events'"
  assert_contains "$ERR" "jobs.ini:16: [retention.sql] where 'kind = = 'x'' does not work: $syntax_error"
  assert_contains "$ERR" "jobs.ini:21: [retention.escape] where 'kind = 'x') OR (1 = 1' does not work: unbalanced ')'"
  assert_contains "$ERR" "jobs.ini:26: [retention.stacked] where '1; DELETE FROM users' does not work: ';' is not allowed"
  assert_contains "$ERR" "jobs.ini:28: [retention.pairs] table 'app_pairs' is a WITHOUT ROWID table"
  assert_contains "$ERR" "jobs.ini:32: [retention.locks] table 'job_locks' is managed by mailjobs"
  assert_contains "$ERR" "mailjobs: error: 7 retention policy problems; nothing was run"
  assert_eq "$(db_sha)" "$before" "database file after '$cmd'"
done
assert_eq "$(sql "SELECT count(*) FROM sessions") $(sql "SELECT count(*) FROM users") $(sql "SELECT count(*) FROM job_runs")" "5 $users 0" \
  "nothing ran"

# A required key missing: the configuration itself is refused (exit 2, file named).
printf '[retention.half]\ntable = app_events\n' > half.ini
cat jobs.good >> half.ini
expect_exit 2 mj run session-cleanup --config half.ini --now $NOW
assert_contains "$ERR" "[retention.half] needs 'time_column'"

# A database that does not exist yet is not created by a refused command.
expect_exit 2 mj run session-cleanup --now $NOW --database var/new.db
assert_contains "$ERR" "[retention.typo] table 'app_evnts' does not exist"
[ ! -e var/new.db ] || fail "a refused command created the database"

# A database the application made before mailjobs migrated it: checked against the migrated schema
# (notification_outbox is a mailjobs table), and left untouched when refused.
sqlite3 var/app.db "CREATE TABLE app_events(id INTEGER PRIMARY KEY, kind TEXT, created_at INTEGER)"
app_before=$(db_sha var/app.db)
cp jobs.good fresh.ini
printf '[retention.outbox]\ntable = notification_outbox\ntime_column = created_at\nolder_than = 60d\nwhere = status = '"'"'sent'"'"'\n' >> fresh.ini
printf '[retention.bad]\ntable = app_events\ntime_column = nope\nolder_than = 1d\n' >> fresh.ini
expect_exit 2 mj run session-cleanup --config fresh.ini --database var/app.db --now $NOW
assert_contains "$ERR" "fresh.ini:"
assert_contains "$ERR" "[retention.bad] column 'nope' does not exist in table 'app_events'"
assert_contains "$ERR" "mailjobs: error: 1 retention policy problem; nothing was run"
assert_eq "$(db_sha var/app.db)" "$app_before" "unmigrated database after the refusal"
assert_eq "$(sqlite3 var/app.db "PRAGMA user_version")" 0 "not migrated"
# once the bad policy is gone, the same file migrates and the outbox policy is fine
head -n -4 fresh.ini > fresh2.ini
expect_exit 0 mj run retention-policies --config fresh2.ini --database var/app.db --now $NOW
assert_ge "$(sqlite3 var/app.db "PRAGMA user_version")" 1 "migrated"
