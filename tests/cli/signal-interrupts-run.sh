# SIGTERM during a run: the current batch commits, the run is recorded as interrupted (exit reason
# "signal"), the lease is released, and the process exits 130. The next run finishes the work.
. "$(dirname "$0")/lib.sh"
init_db
add_users 100
add_sessions 300000 $((NOW - 10*86400)) $((NOW - 10*86400))
add_sessions 50 $((NOW + 86400)) $((NOW - 60))
set +e
"$MJ" run session-cleanup --now $NOW --set job.session-cleanup.batch_size=200 >out 2>err &
pid=$!
for _ in $(seq 1 200); do
  [ "$(sql "SELECT count(*) FROM sessions" 2>/dev/null || echo 300050)" -lt 299000 ] && break; sleep 0.02
done
kill -TERM $pid; wait $pid; rc=$?
set -e
assert_eq "$rc" 130 "exit code after SIGTERM"
assert_eq "$(sql "SELECT outcome || '|' || exit_reason FROM job_runs ORDER BY id DESC LIMIT 1")" "interrupted|signal" "history"
deleted=$(sql "SELECT changed FROM job_runs ORDER BY id DESC LIMIT 1")
assert_eq "$(sql "SELECT count(*) FROM sessions")" $((300050 - deleted)) "recorded count matches the committed batches"
assert_eq "$(sql "SELECT count(*) FROM job_locks")" 0 "lease released"
expect_exit 0 mj run session-cleanup --now $NOW
assert_eq "$(sql "SELECT count(*) FROM sessions")" 50 "the next run finishes"
