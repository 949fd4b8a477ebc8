# `mailjobs worker` runs due jobs in a loop (trigger "worker"); SIGTERM ends it, and a job it was
# running is recorded. In mode = worker, `tick` does nothing.
. "$(dirname "$0")/lib.sh"
init_db
add_users 10
add_sessions 200 $((NOW - 10*86400)) $((NOW - 10*86400))
printf 'mode = worker\nworker_interval = 1s\n' >> jobs.ini
expect_exit 0 mj tick
assert_eq "$(sql "SELECT count(*) FROM job_runs")" 0 "tick in worker mode runs nothing"
set +e
"$MJ" worker >out 2>err &
pid=$!
for _ in $(seq 1 100); do
  [ "$(sql "SELECT count(*) FROM job_runs WHERE trigger='worker' AND job='session-cleanup' AND outcome='done'" 2>/dev/null || echo 0)" -ge 1 ] && break; sleep 0.1
done
kill -TERM $pid; wait $pid; rc=$?
set -e
assert_eq "$rc" 130 "worker exit code after SIGTERM"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE trigger='worker' AND job='session-cleanup'")" 1 "session-cleanup ran once"
assert_eq "$(sql "SELECT count(*) FROM sessions")" 0 "its work is done"
grep -q '"event":"worker_stop"' var/mailjobs.log || fail "worker_stop not logged"
