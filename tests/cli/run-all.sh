#!/usr/bin/env bash
# Runs the whole-binary tests (tests/cli/*.sh except helpers) in parallel, each in its own temp
# folder; prints one line per test and a summary; exits 1 if any failed.
# usage: run-all.sh /abs/path/to/mailjobs [test-name-substring...]  (a test runs if its name has any)
#
# Backends (README "Tests"), one switch, not a copy of the tests: every test runs on SQLite and
# again on a real PostgreSQL 15 that this script starts once (tests/servers/postgres.sh), except
# the postgresql-* tests (PostgreSQL only) and a test whose header says
#   # backend: sqlite-only: REASON
# (the SQLite file itself: backup, vacuum, WAL, file modes, a full disk; or no database at all).
# MJ_TEST_BACKEND=sqlite or =postgresql runs one backend only. Both passes share one pool of
# TEST_JOBS workers: most tests wait on servers, clocks and kills, not on the CPU.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export MAILJOBS_BIN=$1
shift; filters=("$@")
logs=$(mktemp -d /tmp/mj-cli-logs.XXXXXX)
backend=${MJ_TEST_BACKEND:-both}
# MJ_TEST_SKIP_POSTGRESQL=1: the SQLite pass only (kept for callers of the old switch).
[ "${MJ_TEST_SKIP_POSTGRESQL:-0}" = 1 ] && [ "$backend" = both ] && backend=sqlite
items=() n_sqlite=0 n_pg=0
for t in "$here"/*.sh; do
  n=$(basename "$t" .sh)
  case $n in lib|run-all) continue ;; esac
  if [ ${#filters[@]} -gt 0 ]; then
    hit=0; for f in "${filters[@]}"; do [[ $n == *"$f"* ]] && hit=1; done
    [ $hit = 1 ] || continue
  fi
  if [[ $n != postgresql-* ]] && [ "$backend" != postgresql ]; then items+=("sqlite $t"); n_sqlite=$((n_sqlite + 1)); fi
  if [ "$backend" != sqlite ] && ! grep -q '^# backend: sqlite-only' "$t"; then items+=("postgresql $t"); n_pg=$((n_pg + 1)); fi
done
jobs_n=${TEST_JOBS:-6}

# The server is up whenever PostgreSQL is in the run: a SQLite-only test may use it beside its own
# file (drop-in-chroot connects to it from the chroot).
pg_ok=1 pg_up=0
if [ "$backend" != sqlite ] && [ ${#items[@]} -gt 0 ]; then
  pg_up=1
  . "$here/../servers/postgres.sh"
  pg_dir=$(mktemp -d /tmp/mj-pg.XXXXXX)
  if ! start_pg_server "$pg_dir"; then
    echo "FAIL PostgreSQL did not start: $n_pg tests not run"
    mkdir -p "$logs/postgresql"; echo FAIL > "$logs/postgresql/server.result"; pg_ok=0
  fi
fi
# Each item is "BACKEND /path/test.sh"; results in $logs/BACKEND/NAME.{log,result}
mkdir -p "$logs/sqlite" "$logs/postgresql"
printf '%s\n' "${items[@]}" | { if [ $pg_ok = 1 ]; then cat; else grep -v '^postgresql '; fi; } |
  xargs -P "$jobs_n" -L 1 bash -c '
    b=$0 t=$1; n=$(basename "$t" .sh); start=$(date +%s.%N); l="'"$logs"'/$b"
    if MJ_TEST_BACKEND=$b bash "$t" >"$l/$n.log" 2>&1; then r=ok; else r=FAIL; fi
    label=$n; [ "$b" = sqlite ] || label="$b/$n"
    printf "%-4s %-55s %5.1fs\n" "$r" "$label" "$(awk -v s="$start" -v e="$(date +%s.%N)" "BEGIN{print e-s}")"
    echo "$r" > "$l/$n.result"'
[ $pg_up = 0 ] || { stop_pg_server; rm -rf "$pg_dir"; }

total=$(( n_sqlite + n_pg ))
pass=$(grep -l '^ok$' "$logs"/*/*.result 2>/dev/null | wc -l)
failed=$(grep -l '^FAIL$' "$logs"/*/*.result 2>/dev/null | wc -l)
for f in $(grep -l '^FAIL$' "$logs"/*/*.result 2>/dev/null); do
  n=$(basename "$f" .result); b=$(basename "$(dirname "$f")"); echo "---- $b/$n"; tail -n 30 "$(dirname "$f")/$n.log" 2>/dev/null
done
echo "cli tests: $pass passed, $failed failed (of $total: $n_sqlite on SQLite, $n_pg on PostgreSQL)"
rm -rf "$logs"
[ "$failed" -eq 0 ] && [ "$pass" -eq "$total" ]
