# Interruption checks for purge jobs, sourced after lib.sh (this folder is not run as tests).
#
# interrupt_and_resume JOB GONE_SQL KEEP_SQL RUN_ARGS...
#   GONE_SQL: a query whose number falls to 0 as the job works (rows left to purge)
#   KEEP_SQL: a fingerprint of the rows that must stay ("count:sum of ids")
# Set-up must leave enough work for a run to take a while (small --set ...batch_size, big table).
# 1. SIGTERM mid-run: the open batch commits, exit 130, history says interrupted/signal, some work
#    done and some left, every row that must stay is there.
# 2. kill -9 mid-run: the open batch rolls back; every row that must stay is there.
# 3. the next run takes the dead run's lease over (same host, dead pid) and finishes (runs until
#    done): nothing left.
# 4. an immediate rerun changes nothing.

# wait_for_progress SQL START: until SQL's number is below START (a batch committed) but above 0.
wait_for_progress() {
  local n
  for _ in $(seq 1 3000); do
    n=$(sql "$1" 2>/dev/null || echo "$2")
    [ "$n" -lt "$2" ] && break
    sleep 0.01
  done
  [ "$n" -lt "$2" ] || fail "no progress within 30 s ($n of $2 left)"
  [ "$n" -gt 0 ] || fail "the run finished before it could be interrupted; make the set-up bigger"
}

interrupt_and_resume() {
  local job=$1 gone_sql=$2 keep_sql=$3; shift 3
  local keep0 gone0 gone pid rc
  keep0=$(sql "$keep_sql"); gone0=$(sql "$gone_sql")
  [ "$gone0" -gt 0 ] || fail "set-up left nothing to purge"

  "$MJ" run "$job" "$@" >"$WORK/.bg.out" 2>"$WORK/.bg.err" &
  pid=$!
  wait_for_progress "$gone_sql" "$gone0"
  kill -TERM $pid
  set +e; wait $pid; rc=$?; set -e
  assert_eq "$rc" 130 "exit code after SIGTERM"
  assert_eq "$(sql "SELECT outcome || '|' || exit_reason FROM job_runs WHERE job = '$job' ORDER BY id DESC LIMIT 1")" \
    "interrupted|signal" "history of the SIGTERM run"
  gone=$(sql "$gone_sql")
  [ "$gone" -gt 0 ] && [ "$gone" -lt "$gone0" ] || fail "SIGTERM run: expected part of the work done, $gone of $gone0 left"
  assert_eq "$(sql "$keep_sql")" "$keep0" "rows that must stay, after SIGTERM"

  "$MJ" run "$job" "$@" >/dev/null 2>&1 &
  pid=$!
  wait_for_progress "$gone_sql" "$gone"
  kill -9 $pid
  wait $pid 2>/dev/null || true
  assert_eq "$(sql "$keep_sql")" "$keep0" "rows that must stay, after kill -9"
  [ "$(sql "$gone_sql")" -gt 0 ] || fail "kill -9 came after the run finished"
  assert_eq "$(sql "SELECT count(*) FROM job_locks WHERE job = '$job'")" 1 "lease left behind by kill -9"

  # (until done: with a test's tiny batches a loaded machine ends a run at its time budget)
  run_until_done "$job" "$@"
  assert_eq "$(sql "$gone_sql")" 0 "work left after the resumed run"
  assert_eq "$(sql "$keep_sql")" "$keep0" "rows that must stay, after the resumed run"
  assert_eq "$(sql "SELECT count(*) FROM job_locks")" 0 "lease released"

  expect_exit 0 mj run "$job" "$@"
  assert_eq "$(sql "SELECT changed || '|' || outcome FROM job_runs WHERE job = '$job' ORDER BY id DESC LIMIT 1")" "0|done" \
    "an immediate rerun"
}
