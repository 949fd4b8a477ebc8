# cron.alive: every tick records its start; doctor fails when the last one is older than 3 x
# [general] cron_interval, or when none was ever recorded (issue 16).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/doctor.bash"
now=$(date +%s)
t=$(sql "SELECT last_started_at FROM job_state WHERE job = '(tick)'")
assert_le $((now - t)) 60 "tick recorded with the wall clock"
expect_exit 0 mjd doctor
assert_check cron.alive "ok  " "last tick"
sql "UPDATE job_state SET last_started_at = $((now - 3600)) WHERE job = '(tick)'"
expect_exit 1 mjd doctor
assert_check cron.alive FAIL "last tick 60m ago, [general] cron_interval = 5m"
expect_exit 0 mjd doctor --set general.cron_interval=30m
assert_check cron.alive "ok  "
# a tick moves it forward again
mj tick --quiet >/dev/null
expect_exit 0 mjd doctor
# worker mode compares with worker_interval
sql "UPDATE job_state SET last_started_at = $((now - 600)) WHERE job = '(tick)'"
expect_exit 1 mjd doctor --set general.mode=worker
assert_check cron.alive FAIL "last worker pass 10m ago"
sql "DELETE FROM job_state WHERE job = '(tick)'"
expect_exit 1 mjd doctor
assert_check cron.alive FAIL "no tick recorded yet"
