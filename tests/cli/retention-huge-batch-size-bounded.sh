# A huge batch_size cannot make a long transaction (issue 11, item 2): `batch_size = 999999999999999`
# once made one 1.4 s transaction. The engine clamps it (50000 rows) and max_transaction stops what
# is still too long: with 200 ms, an application writer with a 0.5 s busy timeout never fails, the
# longest transaction stays near the bound, and every old row goes (the new ones stay).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
init_db
old=$((NOW - 40*86400))
# Wide rows with two indexes: expensive to delete, so one batch of all of them would take long.
sql "CREATE TABLE app_events(id INTEGER PRIMARY KEY, kind TEXT, payload TEXT, created_at INTEGER NOT NULL);
     CREATE INDEX app_events_created_at ON app_events(created_at);
     CREATE INDEX app_events_kind ON app_events(kind, payload);
     CREATE TABLE app_writes(id INTEGER PRIMARY KEY, at REAL);
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 100000)
     INSERT INTO app_events(kind, payload, created_at) SELECT 'k' || (i % 97), hex(randomblob(40)), $old + i FROM c;
     INSERT INTO app_events(kind, payload, created_at) VALUES ('new', 'x', $NOW), ('new', 'y', $NOW);"
# 1000000: the largest batch_size the key table accepts (1..1e6); the engine clamps it to 50000.
cat >> jobs.ini <<'INI'
max_transaction = 200ms

[retention.events]
table = app_events
time_column = created_at
older_than = 30d
batch_size = 1000000
INI
expect_exit 0 mj config
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then
  # app_writer.py speaks SQLite: on PostgreSQL the same writer through psql, lock_timeout as its busy timeout
  ( ok=0 locked=0
    while [ ! -e "$WORK/stop" ]; do
      if sql "SET lock_timeout = 500; INSERT INTO app_writes(at) VALUES (extract(epoch FROM clock_timestamp()))" >/dev/null 2>&1
      then ok=$((ok + 1)); else locked=$((locked + 1)); fi
      sleep 0.005
    done
    echo "{\"ok\": $ok, \"locked\": $locked}" > "$WORK/writer.json" ) &
else
  python3 "$here/helpers/app_writer.py" var/mailjobs.db 0.5 "$WORK/stop" "$WORK/writer.json" &
fi
writer=$!
sleep 0.3
expect_exit 0 mj run retention-policies --now $NOW
touch "$WORK/stop"
wait $writer
report=$(cat "$WORK/writer.json")
echo "writer: $report"
assert_eq "$(python3 -c "import json,sys; print(json.load(sys.stdin)['locked'])" <<<"$report")" 0 "writes that failed 'database is locked' ($report)"
assert_eq "$(sql "SELECT count(*) FROM app_writes")" "$(python3 -c "import json,sys; print(json.load(sys.stdin)['ok'])" <<<"$report")" "every application write is there"
max_txn=$(sql "SELECT max_txn_ms FROM job_runs WHERE job = 'retention-policies' ORDER BY id DESC LIMIT 1")
echo "max_txn_ms: $max_txn"
# slack: a stopped batch's rollback holds the lock too (measured 219 ms alone, 317 ms with a 50000-row
# first batch under the whole suite's load; the first batch is now at most 5000 rows; 353 ms once
# with both backends' passes at once). The bound that matters is the writer's 0.5 s busy timeout,
# asserted above; this one stays under it.
assert_le "$max_txn" 450 "longest write transaction (bound 200 ms + slack)"
assert_eq "$(sql "SELECT count(*) FROM app_events")" 2 "old rows purged, new kept"
assert_eq "$(sql "SELECT counts FROM job_runs WHERE job = 'retention-policies' ORDER BY id DESC LIMIT 1")" '{"app_events":100000}' "counts"
