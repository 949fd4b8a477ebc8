#!/usr/bin/env bash
# Runs the I/O fault-injection tests (tests/faults/*.sh except lib.sh) against the fault build,
# in parallel like tests/cli/run-all.sh; prints one line per test, then the failure points each
# sweep tried. FAULT_ALL=1 tries every failure point (make torture); otherwise a fixed sample.
# usage: run-all.sh /abs/path/to/mailjobs-faults [test-name-substring]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: run-all.sh /abs/path/to/mailjobs-faults [filter]}
[ -x "$bin" ] || { echo "run-all.sh: $bin missing (build it: make OUT=... \$OUT/mailjobs-faults)" >&2; exit 1; }
export MAILJOBS_BIN=$bin
filter=${2:-}
logs=$(mktemp -d /tmp/mj-fault-logs.XXXXXX)
export FAULT_SUMMARY=$logs/summary
tests=()
for t in "$here"/*.sh; do
  n=$(basename "$t" .sh)
  case $n in lib|run-all) continue ;; esac
  [ -z "$filter" ] || [[ $n == *"$filter"* ]] || continue
  tests+=("$t")
done
printf '%s\n' "${tests[@]}" | xargs -P "${TEST_JOBS:-3}" -I{} bash -c '
  t={}; n=$(basename "$t" .sh); start=$(date +%s.%N)
  if bash "$t" >"'"$logs"'/$n.log" 2>&1; then r=ok; else r=FAIL; fi
  printf "%-4s %-44s %5.1fs\n" "$r" "faults/$n" "$(awk -v s="$start" -v e="$(date +%s.%N)" "BEGIN{print e-s}")"
  echo "$r" > "'"$logs"'/$n.result"'
pass=$(grep -l '^ok$' "$logs"/*.result 2>/dev/null | wc -l)
failed=$(grep -l '^FAIL$' "$logs"/*.result 2>/dev/null | wc -l)
[ -f "$FAULT_SUMMARY" ] && sort "$FAULT_SUMMARY"
for f in $(grep -l '^FAIL$' "$logs"/*.result 2>/dev/null); do
  n=$(basename "$f" .result); echo "---- $n"; tail -n 30 "$logs/$n.log"
done
echo "fault tests ($([ -n "${FAULT_ALL:-}" ] && echo 'every failure point' || echo 'sampled')): $pass passed, $failed failed (of ${#tests[@]})"
rm -rf "$logs"
[ "$failed" -eq 0 ] && [ "$pass" -eq ${#tests[@]} ]
