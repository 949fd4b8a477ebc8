# An application table whose key and time column are 32-bit `integer` (PostgreSQL's int4; SQLite
# has one integer type) is purged like any other: on PostgreSQL the first batch once failed with
# "value -9223372036854775808 is out of range for type integer" (the engine's "no batch yet" bound
# was typed after the column). Rows past the age go, newer ones and the filter's rows stay.
. "$(dirname "$0")/lib.sh"
init_db
# lower-case on purpose: lib.sh's PostgreSQL sql() turns "INTEGER PRIMARY KEY" into a bigint identity
sql "CREATE TABLE app_events(id integer primary key, created_at integer NOT NULL, level text NOT NULL);
     CREATE INDEX app_events_created_at ON app_events(created_at);
     INSERT INTO app_events(id, created_at, level) VALUES
       (1, $NOW - 90*86400, 'info'), (2, $NOW - 80*86400, 'info'), (3, $NOW - 70*86400, 'keep'),
       (4, $NOW - 10*86400, 'info'), (5, $NOW - 1, 'info');"
cat >> jobs.ini <<'INI'
[retention.app-events]
table = app_events
time_column = created_at
older_than = 60d
where = level <> 'keep'
INI
expect_exit 0 mj run retention-policies --dry-run --now $NOW
assert_contains "$OUT" "would change 2: app_events 2"
assert_eq "$(sql "SELECT count(*) FROM app_events")" 5 "dry run changes nothing"
expect_exit 0 mj run retention-policies --now $NOW
assert_eq "$(sql "SELECT group_concat(id, ',') FROM (SELECT id FROM app_events ORDER BY id) AS r")" "3,4,5" "rows left"
assert_eq "$(sql "SELECT json_extract(counts, '$.app_events') FROM job_runs WHERE job = 'retention-policies' ORDER BY id DESC LIMIT 1")" 2 "history"
