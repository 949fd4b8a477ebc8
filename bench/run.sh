#!/usr/bin/env bash
# `make bench`: runs every bench/*.bench.sh with the binary under test and prints their figures.
# Benchmarks print numbers and ratios against a reference measured in the same run; never verdicts
# that a test would assert. They are not part of `make test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export MAILJOBS_BIN=$1
# BENCH_ONLY=NAME runs only the benchmarks whose name contains NAME (e.g. BENCH_ONLY=memory).
for b in "$here"/*.bench.sh; do
  [ -e "$b" ] || continue
  [ -z "${BENCH_ONLY:-}" ] || [[ $(basename "$b" .bench.sh) == *"$BENCH_ONLY"* ]] || continue
  echo "== $(basename "$b" .bench.sh)"
  bash "$b"
done
