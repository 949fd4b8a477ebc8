#!/usr/bin/env bash
# Runs libFuzzer targets: first replays the seed corpus in the tree (tests/fuzz/corpus/NAME: every
# seed must pass), then fuzzes each target for SECONDS, one after the other (the machine has few
# cores). New interesting inputs go to OUT/corpus/NAME (kept between runs, so later runs start
# where earlier ones stopped), crashes to OUT/artifacts/NAME-*. Prints one line per target with
# its executions; exits 1 if any target found a crash, a leak, UB or a timeout.
# usage: tests/fuzz/run.sh OUT SECONDS NAME...
set -uo pipefail
out=$1 secs=$2; shift 2
seeds=$(cd "$(dirname "$0")" && pwd)/corpus
mkdir -p "$out/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
failed=0
for name in "$@"; do
  bin=$out/bin/$name log=$out/$name.log
  mkdir -p "$out/corpus/$name" "$seeds/$name"
  # -rss_limit_mb/-timeout: a target using 1 GB or one input running 10 s is a finding too.
  max_len=4096; [ "$name" = config ] && max_len=32768  # jobs.ini.sample is ~15 kB
  common=(-rss_limit_mb=1024 -timeout=10 -max_len=$max_len "-artifact_prefix=$out/artifacts/$name-")
  if ! "$bin" "${common[@]}" -runs=0 "$seeds/$name" >"$log" 2>&1; then
    echo "FAIL fuzz $name: a seed input fails (tests/fuzz/corpus/$name); see $log"; tail -n 30 "$log"
    failed=1; continue
  fi
  if "$bin" "${common[@]}" -max_total_time="$secs" -print_final_stats=1 "$out/corpus/$name" "$seeds/$name" >"$log" 2>&1; then
    r=ok
  else
    r=FAIL; failed=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  units=$(ls "$out/corpus/$name" | wc -l)
  printf '%-4s fuzz %-10s %10s execs in %ss, %s inputs in out corpus\n' "$r" "$name" "${execs:-?}" "$secs" "$units"
  if [ $r = FAIL ]; then
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 10
    tail -n 40 "$log"
  fi
done
exit $failed
