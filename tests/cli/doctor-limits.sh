# The limits the process can see: a tiny address space (ulimit -v) or a CPU-time limit below the
# time budget (ulimit -t) is a FAIL line with its fix, exit 1 (issue 16).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/doctor.bash"
set +e
(ulimit -v 150000; mjd doctor >"$WORK/.out" 2>"$WORK/.err"); rc=$?
set -e
OUT=$(cat "$WORK/.out")
assert_eq "$rc" 1 "exit code under ulimit -v 150000; stderr: $(cat "$WORK/.err")"
assert_check limits.memory FAIL "address space limit (ulimit -v) is 146.5 MiB"
set +e
(ulimit -t 60; mjd doctor >"$WORK/.out" 2>"$WORK/.err"); rc=$?
set -e
OUT=$(cat "$WORK/.out")
assert_eq "$rc" 1 "exit code under ulimit -t 60"
assert_check limits.time FAIL "CPU time limit (ulimit -t) is 60s, below [general] time_budget = 120s"
set +e
(ulimit -t 60; mjd doctor --set general.time_budget=50s >"$WORK/.out" 2>"$WORK/.err"); rc=$?
set -e
OUT=$(cat "$WORK/.out")
assert_eq "$rc" 0 "time_budget below the CPU limit: $OUT"
