# 200k expired sessions with --max-runtime 1s: the run stops within about one batch after the
# deadline with exit reason "budget reached"; further runs continue to zero; a rerun deletes 0.
. "$(dirname "$0")/lib.sh"
init_db
add_users 100
add_sessions 200000 $((NOW - 10*86400)) $((NOW - 10*86400))
add_sessions 300 $((NOW + 86400)) $((NOW - 60))
# Application-like load keeps the batches honest: small starting batches.
expect_exit 0 mj run session-cleanup --now $NOW --max-runtime 1s --set job.session-cleanup.batch_size=100
row=$(sql "SELECT outcome || '|' || exit_reason || '|' || duration_ms || '|' || changed || '|' || max_txn_ms FROM job_runs ORDER BY id DESC LIMIT 1")
IFS='|' read -r outcome reason ms changed txn <<<"$row"
assert_eq "$outcome" more "first run outcome"
assert_eq "$reason" "budget reached" "first run exit reason"
# The run stops at the first batch boundary after the budget: 1 s + the batch that was running
# (its longest transaction, as recorded) + the writers' gap and bookkeeping. A fixed 1300 ms
# failed on a loaded CI machine (1368 ms) although the budget was kept.
assert_le "$ms" $((1000 + 2 * txn + 300)) "first run duration (budget 1s + one batch of ${txn} ms + gap)"
[ "$changed" -gt 0 ] || fail "first run deleted nothing"
runs=1
while [ "$(sql "SELECT count(*) FROM sessions WHERE expires_at < $NOW")" -gt 0 ]; do
  expect_exit 0 mj run session-cleanup --now $NOW --max-runtime 1s --set job.session-cleanup.batch_size=100
  runs=$((runs+1)); [ $runs -lt 100 ] || fail "no progress"
done
assert_eq "$(sql "SELECT sum(changed) FROM job_runs WHERE job='session-cleanup'")" 200000 "deleted over all runs"
assert_eq "$(sql "SELECT count(*) FROM sessions")" 300 "live sessions kept"
expect_exit 0 mj run session-cleanup --now $NOW
assert_eq "$(sql "SELECT changed || '|' || outcome FROM job_runs ORDER BY id DESC LIMIT 1")" "0|done" "rerun deletes 0"
