#!/usr/bin/env bash
# Runs the whole-binary tests (tests/cli/*.sh except helpers) in parallel, each in its own temp
# folder; prints one line per test and a summary; exits 1 if any failed.
# usage: run-all.sh /abs/path/to/mailjobs [test-name-substring]
#
# Backends (README "Tests"): by default every test runs on SQLite, except the postgresql-* tests,
# and then the postgresql-* tests and those named in tests/cli/postgresql.list run on a real
# PostgreSQL 15 that this script starts once (tests/servers/postgres.sh). MJ_TEST_BACKEND=postgresql
# (`make test-postgresql`) runs every test on PostgreSQL instead.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export MAILJOBS_BIN=$1
filter=${2:-}
logs=$(mktemp -d /tmp/mj-cli-logs.XXXXXX)
backend=${MJ_TEST_BACKEND:-sqlite}
sqlite_tests=() pg_tests=()
on_pg_list=" $(grep -v '^#' "$here/postgresql.list" 2>/dev/null | tr '\n' ' ') "
for t in "$here"/*.sh; do
  n=$(basename "$t" .sh)
  case $n in lib|run-all) continue ;; esac
  [ -z "$filter" ] || [[ $n == *"$filter"* ]] || continue
  if [ "$backend" = postgresql ]; then pg_tests+=("$t"); continue; fi
  [[ $n == postgresql-* ]] || sqlite_tests+=("$t")
  [[ $n == postgresql-* || $on_pg_list == *" $n "* ]] && pg_tests+=("$t")
done
jobs_n=${TEST_JOBS:-3}

# run_pass BACKEND TEST...: results in $logs/BACKEND/NAME.{log,result}
run_pass() {
  local b=$1; shift
  [ $# -gt 0 ] || return 0
  mkdir -p "$logs/$b"
  printf '%s\n' "$@" | MJ_TEST_BACKEND=$b xargs -P "$jobs_n" -I{} bash -c '
    t={}; n=$(basename "$t" .sh); start=$(date +%s.%N); l="'"$logs/$b"'"
    if bash "$t" >"$l/$n.log" 2>&1; then r=ok; else r=FAIL; fi
    label=$n; [ "'"$b"'" = sqlite ] || label="'"$b"'/$n"
    printf "%-4s %-55s %5.1fs\n" "$r" "$label" "$(awk -v s="$start" -v e="$(date +%s.%N)" "BEGIN{print e-s}")"
    echo "$r" > "$l/$n.result"'
}

run_pass sqlite "${sqlite_tests[@]}"
# MJ_TEST_SKIP_POSTGRESQL=1: the SQLite pass only (tests/sanitize.sh's CI subset).
[ "${MJ_TEST_SKIP_POSTGRESQL:-0}" = 1 ] && [ "$backend" != postgresql ] && pg_tests=()
if [ ${#pg_tests[@]} -gt 0 ]; then
  . "$here/../servers/postgres.sh"
  pg_dir=$(mktemp -d /tmp/mj-pg.XXXXXX)
  if start_pg_server "$pg_dir"; then
    run_pass postgresql "${pg_tests[@]}"
    stop_pg_server
  else
    echo "FAIL PostgreSQL did not start: ${#pg_tests[@]} tests not run"
    mkdir -p "$logs/postgresql"; echo FAIL > "$logs/postgresql/server.result"
  fi
  rm -rf "$pg_dir"
fi

total=$(( ${#sqlite_tests[@]} + ${#pg_tests[@]} ))
pass=$(grep -l '^ok$' "$logs"/*/*.result 2>/dev/null | wc -l)
failed=$(grep -l '^FAIL$' "$logs"/*/*.result 2>/dev/null | wc -l)
for f in $(grep -l '^FAIL$' "$logs"/*/*.result 2>/dev/null); do
  n=$(basename "$f" .result); b=$(basename "$(dirname "$f")"); echo "---- $b/$n"; tail -n 30 "$(dirname "$f")/$n.log" 2>/dev/null
done
echo "cli tests: $pass passed, $failed failed (of $total: ${#sqlite_tests[@]} on SQLite, ${#pg_tests[@]} on PostgreSQL)"
rm -rf "$logs"
[ "$failed" -eq 0 ] && [ "$pass" -eq "$total" ]
