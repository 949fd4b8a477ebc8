#!/usr/bin/env bash
# The unit tests and whole-binary tests against the ASan+UBSan build (`make test-asan`).
# Every sanitizer report of every process in the suite (also ones a test expects to fail, or kills,
# or runs in the background) goes to a file under one folder (log_path), and the run fails if any
# file is there at the end: a test that only checks an exit code cannot hide a report.
# Leaks are checked (LeakSanitizer; it needs ptrace-like access, which CI has as root).
# usage: tests/sanitize.sh /abs/out/asan [all]
#   default: the unit tests and the fixed CI subset of whole-binary tests below; all: every test.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$1 scope=${2:-ci}
reports=$(mktemp -d /tmp/mj-sanitizer-reports.XXXXXX)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
# CI subset (name substrings for tests/cli/run-all.sh): the tests that reach the most code per
# second: config and --now parsing, every CGI route, the purge engine and operator policies, the
# delivery paths against the real SMTP/HTTP servers, signals and kill -9 recovery.
ci_subset=(config- cgi- cleanup- retention-policies forward-retry webhook- notification- mail- status-
           schedule- kill9-lease signal- db- account-export-archive account-export-queue account-deletion-removes
           backup-consistent restore-)
# On PostgreSQL: the libpq paths (connect, the advisory and row locks, SKIP LOCKED claims, the
# copy to a server) through the jobs that use each of them.
pg_subset=(postgresql-copy-to postgresql-file-jobs forward-retry-delivers-once webhook-signature-verifies
           notification-digest cgi-status kill9-lease-takeover account-deletion-grace-and-undo)
rc=0
start=$(date +%s)
"$dir/unit_tests" || rc=1
if [ "$scope" = all ]; then
  "$here/cli/run-all.sh" "$dir/mailjobs" || rc=1
else
  MJ_TEST_BACKEND=sqlite "$here/cli/run-all.sh" "$dir/mailjobs" "${ci_subset[@]}" || rc=1
  MJ_TEST_BACKEND=postgresql "$here/cli/run-all.sh" "$dir/mailjobs" "${pg_subset[@]}" || rc=1
fi
n=$(ls "$reports" | wc -l)
if [ "$n" -gt 0 ]; then
  echo "sanitizers: $n report(s):"
  for f in "$reports"/*; do echo "---- $f"; head -n 60 "$f"; done
  rc=1
else
  echo "sanitizers: no reports ($scope, $(( $(date +%s) - start ))s)"
fi
[ $rc -ne 0 ] || rm -rf "$reports"
exit $rc
