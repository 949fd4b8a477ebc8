#!/usr/bin/env bash
# `make bench`: runs every bench/*.bench.sh with the binary under test and prints their figures.
# Benchmarks print numbers and ratios against a reference measured in the same run; never verdicts
# that a test would assert. They are not part of `make test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export MAILJOBS_BIN=$1
for b in "$here"/*.bench.sh; do
  [ -e "$b" ] || continue
  echo "== $(basename "$b" .bench.sh)"
  bash "$b"
done
