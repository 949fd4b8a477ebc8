# 200k expired sessions with --max-runtime 1s: the run stops within about one batch after the
# deadline with exit reason "budget reached"; further runs continue to zero; a rerun deletes 0.
. "$(dirname "$0")/lib.sh"
init_db
add_users 100
add_sessions 200000 $((NOW - 10*86400)) $((NOW - 10*86400))
add_sessions 300 $((NOW + 86400)) $((NOW - 60))
# Application-like load keeps the batches honest: small starting batches.
expect_exit 0 mj run session-cleanup --now $NOW --max-runtime 1s --set job.session-cleanup.batch_size=100 -v
row=$(sql "SELECT outcome || '|' || exit_reason || '|' || duration_ms || '|' || changed || '|' || max_txn_ms FROM job_runs ORDER BY id DESC LIMIT 1")
IFS='|' read -r outcome reason ms changed txn <<<"$row"
assert_eq "$outcome" more "first run outcome"
assert_eq "$reason" "budget reached" "first run exit reason"
# The run stops at the first batch boundary after the budget: of the batches the debug log shows,
# at most one (the one running at the deadline) commits later than 1 s after run_start (the
# budget's clock starts before that line). The run's whole duration is no measure of that on a
# loaded machine: 1000 ms + 2 x ${txn} + 300 ms failed at 1368 ms and at 1487 ms with the budget
# kept; it only has to stay far below the ~30 s of a run that ignored the budget.
late=$(python3 -c '
import json, sys, datetime
t = lambda e: datetime.datetime.fromisoformat(e["ts"].replace("Z", "+00:00")).timestamp()
ev = [json.loads(l) for l in open(sys.argv[1]) if "\"run_id\":1," in l]
start = min(t(e) for e in ev if e["event"] == "run_start")
print(sum(1 for e in ev if e["event"] == "batch" and t(e) > start + 1.0), sum(1 for e in ev if e["event"] == "batch"))
' var/mailjobs.log)
echo "batches committed after the budget / in all: $late"
assert_le "${late% *}" 1 "batches committed after the 1 s budget"
[ "${late#* }" -gt 1 ] || fail "the first run logged no batches ($late)"
assert_le "$ms" 5000 "first run duration (budget 1 s)"
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
