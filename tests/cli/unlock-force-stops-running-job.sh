# After `mailjobs unlock JOB --force` the running job commits no further batch (issue 11, item 10):
# every batch transaction first checks that job_locks still names the run, so the run stops at
# once with "lease lost" (exit 1), not at its next heartbeat (a third of the lease TTL later).
. "$(dirname "$0")/lib.sh"
init_db
# reads beside the running purge wait for a moment instead of failing (sqlite3 has no busy timeout; PostgreSQL reads never wait)
[ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ] || sql() { sqlite3 -batch -noheader -cmd ".timeout 3000" var/mailjobs.db "$@"; }
old=$((NOW - 40*86400))
sql "CREATE TABLE app_events(id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL);
     CREATE INDEX app_events_created_at ON app_events(created_at);
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 600)
     INSERT INTO app_events(created_at) SELECT $old + i FROM c;"
# 10 ms (a fast machine) to 40 ms of CPU a row: batches stopped at max_transaction and shrunk,
# a purge of several seconds. (10000 rows of the CTE cost 1.6 ms a row on a fast machine: all 600
# rows went in one 960 ms batch, under the bound, and the test found the purge already finished.)
cat >> jobs.ini <<'INI'
[retention.events]
table = app_events
time_column = created_at
older_than = 30d
where = (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 60000) SELECT count(*) FROM c WHERE i > app_events.id) > 0
INI
set +e
mj run retention-policies --now $NOW >"$WORK/run.out" 2>"$WORK/run.err" &
run=$!
set -e
# wait until some batches have committed. The first commit comes only after the stopped batches
# that find the size (600, 300, 150, ... rows read and rolled back): ~12 s on a quiet machine, over
# 30 s when make test runs six tests on two cores, so the wait is a deadline, not a count of polls.
deadline=$(( $(date +%s) + 150 ))
while [ "$(date +%s)" -lt $deadline ]; do
  [ "$(sql "SELECT count(*) FROM app_events")" -le 590 ] && break
  kill -0 $run 2>/dev/null || fail "the purge ended before the unlock: $(cat "$WORK/run.err")"
  sleep 0.05
done
left=$(sql "SELECT count(*) FROM app_events")
[ "$left" -le 590 ] || fail "the purge did not start (rows left: $left)"
[ "$left" -gt 0 ] || fail "the purge finished before the unlock"
expect_exit 0 mj unlock retention-policies --force
at_unlock=$(sql "SELECT count(*) FROM app_events")
set +e
wait $run
rc=$?
set -e
assert_eq "$rc" 1 "exit code of the unlocked run ($(cat "$WORK/run.err"))"
assert_eq "$(sql "SELECT count(*) FROM app_events")" "$at_unlock" "rows after the run ended = rows at the unlock (no batch committed after it)"
assert_eq "$(sql "SELECT outcome || '|' || exit_reason FROM job_runs WHERE job = 'retention-policies' ORDER BY id DESC LIMIT 1")" \
  "failed|error" "history"
assert_contains "$(sql "SELECT error FROM job_runs WHERE job = 'retention-policies' ORDER BY id DESC LIMIT 1")" "lease lost" "history error"
assert_contains "$(cat "$WORK/run.err")" "lease lost" "stderr"
echo "rows: 600 -> $left when unlocking -> $at_unlock at the end"
# The next run takes a fresh lease and finishes the work (with a cheap condition, to be quick).
expect_exit 0 mj run retention-policies --now $NOW --set "retention.events.where=id > 0"
assert_eq "$(sql "SELECT count(*) FROM app_events")" 0 "next run finishes"
