#!/usr/bin/env bash
# Runs every whole-binary test (tests/cli/*.sh except helpers) in parallel, each in its own temp
# folder; prints one line per test and a summary; exits 1 if any failed.
# usage: run-all.sh /abs/path/to/mailjobs [test-name-substring]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export MAILJOBS_BIN=$1
filter=${2:-}
logs=$(mktemp -d /tmp/mj-cli-logs.XXXXXX)
tests=()
for t in "$here"/*.sh; do
  n=$(basename "$t" .sh)
  case $n in lib|run-all) continue ;; esac
  [ -z "$filter" ] || [[ $n == *"$filter"* ]] || continue
  tests+=("$t")
done
jobs_n=${TEST_JOBS:-3}
printf '%s\n' "${tests[@]}" | xargs -P "$jobs_n" -I{} bash -c '
  t={}; n=$(basename "$t" .sh); start=$(date +%s.%N)
  if bash "$t" >"'"$logs"'/$n.log" 2>&1; then r=ok; else r=FAIL; fi
  printf "%-4s %-44s %5.1fs\n" "$r" "$n" "$(awk -v s="$start" -v e="$(date +%s.%N)" "BEGIN{print e-s}")"
  echo "$r" > "'"$logs"'/$n.result"' 
pass=$(grep -l '^ok$' "$logs"/*.result 2>/dev/null | wc -l)
failed=$(grep -l '^FAIL$' "$logs"/*.result 2>/dev/null | wc -l)
for f in $(grep -l '^FAIL$' "$logs"/*.result 2>/dev/null); do
  n=$(basename "$f" .result); echo "---- $n"; tail -n 30 "$logs/$n.log"
done
echo "cli tests: $pass passed, $failed failed (of ${#tests[@]})"
rm -rf "$logs"
[ "$failed" -eq 0 ] && [ "$pass" -eq ${#tests[@]} ]
