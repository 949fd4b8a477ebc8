#!/usr/bin/env bash
# Purge benchmark (issue 4): delivery-log-cleanup against a one-statement DELETE and seed 000's
# algorithm, with an application writing concurrently; then `mailjobs tick` with nothing due.
#
#   BENCH_ROWS=1000000     delivery_log rows (half older than the 90 d cutoff)
#   BENCH_BIG_ROWS=10000000  rows for the second tick measurement; BENCH_SKIP_10M=1 skips it
#   BENCH_REPEAT=3         purge variants run this many times each, interleaved (fresh copy each time)
#   BENCH_TICKS=20         nothing-due ticks timed per size
#   BENCH_PROBE=1          also batch_probe: cost of one fixed batch size, for several sizes
#
# Generated databases are cached in out/bench-cache/, keyed by row count, schema and generator, so
# the 10M file (~10 GB, a few minutes) is made once. The purge variants' copies are kept until all
# have run (~15 GB at 1M rows with the default 3 repeats). Figures and ratios only, no verdicts.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${BENCH_ROWS:-1000000}
BIG=${BENCH_BIG_ROWS:-10000000}
REPEAT=${BENCH_REPEAT:-3}
TICKS=${BENCH_TICKS:-20}
NOW=1795000000                 # 2026-11-18T11:06:40Z: the data ends here; every --now derives from it
CUTOFF=$((NOW - 90 * 86400))   # delivery-log-cleanup's default age
JOB=delivery-log-cleanup
bin=$(dirname "$MJ")/bench
work=$(realpath -m "$bin/work")
cache=$(realpath -m "$root/out/bench-cache")
mkdir -p "$bin" "$cache"
# One benchmark at a time on this machine: two would share the CPU and the cache files.
exec 9>"$cache/.lock"
flock -n 9 || { echo "bench: waiting for another benchmark run to finish" >&2; flock 9; }
rm -rf "$work" && mkdir -p "$work"
say() { echo "bench: $*" >&2; }

# 1. Helper programs, against the same static SQLite the binary links.
for p in gen_delivery_log ref_delete seed000_purge app_writer measure batch_probe; do
  if [ ! -x "$bin/$p" ] || [ "$here/$p.cpp" -nt "$bin/$p" ] || [ "$here/bench_util.h" -nt "$bin/$p" ]; then
    g++ -O2 -std=c++17 -Wall -Wextra -o "$bin/$p" "$here/$p.cpp" -static -lsqlite3 -lpthread -ldl 2>&1 |
      grep -v -e 'unixDlOpen' -e "Using 'dlopen'" >&2 || true
  fi
done
printf '[general]\ndatabase = %s/cfg.db\nlog_file = %s/cfg.log\n' "$work" "$work" >"$work/cfg.ini"
if ! "$MJ" list --json --config "$work/cfg.ini" | jq -e --arg j "$JOB" 'any(.[]; .name == $j)' >/dev/null; then
  echo "bench: error: $MJ has no job '$JOB' (see \`mailjobs list\`)" >&2
  exit 2
fi

# 2. Cached databases: `mailjobs migrate`, then the generator. The key changes with the schema or
# the generator, and a stale file of the same size is removed (they are large).
"$MJ" migrate --config "$work/cfg.ini" --database "$work/schema.db" >/dev/null
key=$( { sqlite3 "$work/schema.db" "SELECT sql FROM sqlite_master ORDER BY name"; cat "$here/gen_delivery_log.cpp"; } |
       sha256sum | cut -c1-10)
dataset() {  # dataset ROWS -> prints the cached file's path, generating it if needed
  local rows=$1 f="$cache/delivery_log-$1-$key.db"
  if [ ! -f "$f" ]; then
    find "$cache" -name "delivery_log-$rows-*" -delete
    say "generating $rows rows into $f (once)"
    rm -f "$f.tmp"*
    "$MJ" migrate --config "$work/cfg.ini" --database "$f.tmp" >/dev/null
    "$bin/gen_delivery_log" "$f.tmp" "$rows" "$NOW" 180 >"$f.json"
    mv "$f.tmp" "$f"
  fi
  cp "$f.json" "$work/gen-$rows.json" 2>/dev/null || true
  echo "$f"
}
small=$(dataset "$ROWS")
say "dataset: $small ($(du -m "$small" | cut -f1) MB)"

jobs_ini() {  # jobs_ini FILE DB [extra lines]: a configuration for one variant
  local f=$1 db=$2; shift 2
  printf '[general]\ndatabase = %s\nlog_file = %s.log\n' "$db" "$f" >"$f"
  for line in "$@"; do printf '%s\n' "$line" >>"$f"; done
}
# After a purge: rows left older than the cutoff (want 0) and generated rows kept (want ROWS/2).
check() {
  sqlite3 "$1" "SELECT json_object('left_old', (SELECT count(*) FROM delivery_log WHERE created_at < $CUTOFF),
                'kept', (SELECT count(*) FROM delivery_log WHERE created_at >= $CUTOFF AND instance_id <> 'app_writer'))"
}
writer=(--writer-bin "$bin/app_writer" --writer-now "$NOW")

# 3. The purge variants, each on a fresh copy of the same file, each with the application writer.
for i in $(seq 1 "$REPEAT"); do
  for v in a b c; do
    db=$work/$v$i.db
    cp "$small" "$db"
    # Everything flushed before the clock starts: otherwise the kernel writes the ~1 GB copy back,
    # and discards the blocks of the previous variant's deleted files (on a disk mounted with
    # `discard`), during this variant, and its fsyncs (checkpoints) wait behind that.
    sync
    case $v in
      a) cmd=("$bin/ref_delete" "$db" "$CUTOFF") ;;
      b) jobs_ini "$work/b$i.ini" "$db"
         cmd=("$MJ" run "$JOB" --config "$work/b$i.ini" --max-runtime 1h --now "$NOW" --verbose) ;;
      c) cmd=("$bin/seed000_purge" "$db" "$CUTOFF" 1000) ;;
    esac
    say "variant $v run $i"
    "$bin/measure" "${writer[@]}" --writer-db "$db" --watch-file "$db-wal" --child-out "$work/$v$i.out" -- "${cmd[@]}" \
      >"$work/$v$i.measure.json"
    if [ "$v" = b ]; then
      sqlite3 -json "$db" "SELECT outcome, exit_reason, changed AS rows, duration_ms, max_txn_ms FROM job_runs
                           WHERE job = '$JOB' ORDER BY id DESC LIMIT 1" | jq '.[0]' >"$work/b$i.out"
      # per-batch figures from the job's own debug log (event "batch": rows, txn_us, next_batch)
      jq -s '[.[] | select(.event == "batch") | .ms = ((.txn_us // (.txn_ms * 1000)) / 1000)] |
             {batches: length, batch_txn_max_ms: (map(.ms) | max), batch_txn_median_ms: (map(.ms) | sort | .[length / 2 | floor]),
              batch_rows_min: (map(.rows) | min), batch_rows_max: (map(.rows) | max),
              batch_rows_median: (map(.rows) | sort | .[length / 2 | floor]),
              batches_over_25ms: (map(select(.ms > 25)) | length)}' "$work/b$i.ini.log" >"$work/b$i.batches.json" ||
        echo '{}' >"$work/b$i.batches.json"
    fi
    check "$db" >"$work/$v$i.check.json"
  done
done
# Removed only now: freeing ~1-3 GB per variant made the disk (mounted with `discard`) slow for
# the next variants, seconds after the deletion (measured: batches of 500 rows taking 30-50 ms).
rm -f "$work"/[abc][0-9]*.db "$work"/[abc][0-9]*.db-wal "$work"/[abc][0-9]*.db-shm
rm -f "$work"/*.writer.txt

# 3b. Optional: one fixed batch size at a time, no writer (where a batch's time goes).
if [ -n "${BENCH_PROBE:-}" ]; then
  for spec in 250:2000 1000:2000 4000:2000 16000:2000 1000:16000 4000:16000; do
    n=${spec%:*} kb=${spec#*:}
    say "batch_probe $n rows/batch, cache ${kb} KB"
    cp "$small" "$work/probe-copy.db"
    CACHE_KB=$kb "$bin/batch_probe" "$work/probe-copy.db" "$CUTOFF" "$n" $(( n >= 16000 ? 12 : 100000 / n )) |
      jq -c --arg kb "$kb" '. + {cache_kb: ($kb | tonumber)}' >>"$work/probe.jsonl"
    rm -f "$work/probe-copy.db"*
  done
fi

# 4. `mailjobs tick` with nothing due. The first tick at NOW runs every job once (delivery-log-cleanup
# with a 10-year age, so the table keeps all its rows, and jobs due on every tick moved to hourly
# so that "nothing due" exists); the timed ticks come later but before any job is due again.
tick_bench() {  # tick_bench LABEL DB
  local label=$1 db=$2 ini=$work/tick-$1.ini extra=("[job.$JOB]" "older_than = 3650d")
  for j in $("$MJ" list --json --config "$work/cfg.ini" | jq -r '.[] | select(.schedule == "every tick") | .name'); do
    extra+=("[job.$j]" "schedule = every 1h")
  done
  jobs_ini "$ini" "$db" "${extra[@]}"
  "$MJ" tick --config "$ini" --now "$NOW" --max-runtime 10m >/dev/null || { echo "bench: error: first tick failed" >&2; exit 1; }
  local first_due t2
  first_due=$(sqlite3 "$db" "SELECT min(next_due_at) FROM job_state")
  t2=$((NOW + 3600)); [ "$first_due" -gt "$t2" ] || t2=$((first_due - 1))
  local ran; ran=$("$MJ" tick --config "$ini" --now "$t2" --json | jq length)
  local runs_before; runs_before=$(sqlite3 "$db" "SELECT count(*) FROM job_runs")
  "$bin/measure" --repeat "$TICKS" -- "$MJ" tick --config "$ini" --now "$t2" >"$work/tick-$label.measure.json"
  local runs_after; runs_after=$(sqlite3 "$db" "SELECT count(*) FROM job_runs")
  # What one tick reads from the database file (pread64 on it; SQLite does not mmap by default).
  local reads=-1 bytes=-1
  if command -v strace >/dev/null; then
    strace -f -y -e trace=pread64 -o "$work/tick-$label.strace" "$MJ" tick --config "$ini" --now "$t2" >/dev/null
    reads=$(grep -c "<${db}>" "$work/tick-$label.strace" || true)
    bytes=$(grep "<${db}>" "$work/tick-$label.strace" | sed -n 's/.*= \([0-9]*\)$/\1/p' | awk '{s+=$1} END {print s+0}')
  fi
  local rows; rows=$(sqlite3 "$db" "SELECT max(id) FROM delivery_log")
  echo "{\"rows\": $rows, \"later_s\": $((t2 - NOW)), \"jobs_run_when_nothing_due\": $ran, \"job_runs_written\": $((runs_after - runs_before)),
        \"db_preads\": $reads, \"db_bytes_read\": $bytes}" >"$work/tick-$label.check.json"
}
cp "$small" "$work/tick-small.db"
say "tick with nothing due, $ROWS rows"
tick_bench small "$work/tick-small.db"
rm -f "$work/tick-small.db"*
if [ -z "${BENCH_SKIP_10M:-}" ]; then
  big=$(dataset "$BIG")
  # The big file is used in place: ticks only write job_state/job_runs rows and purge nothing.
  say "tick with nothing due, $BIG rows ($big)"
  tick_bench big "$big"
fi

# 5. The table.
/usr/bin/python3 "$here/purge_report.py" "$work" "$ROWS" "$REPEAT"
