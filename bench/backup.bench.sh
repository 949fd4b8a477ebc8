#!/usr/bin/env bash
# Backup benchmark (issue 17): `mailjobs backup` of a BENCH_BACKUP_ROWS-row database (the account
# generator, bench/gen_account_db.sql: 4M rows is about 1 GB) while the application writes (one
# insert every 5 ms, bench/app_writer.cpp, latencies from bench/measure.cpp), against a reference
# measured in the same run on the same file with the same writer: what an operator scripts by hand,
# `sqlite3 DB "VACUUM INTO 'copy.db'"` (one read transaction) then `gzip -6`.
#
#   BENCH_BACKUP_ROWS=4000000   rows in the database (generated once into out/bench-cache/)
#   BENCH_BACKUP_BUDGET=600s    --max-runtime of the backup
#
# Prints MB/s (of the database file), the writer's p50/p99/max insert latency and lock wait, peak
# WAL, peak RSS, and the backup's size; figures only, no verdicts.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${BENCH_BACKUP_ROWS:-4000000}
BUDGET=${BENCH_BACKUP_BUDGET:-600s}
NOW=1795000000
. "$here/lib.sh"
bench_start backup
bench_helpers app_writer measure
f=$(cached_db account "$here/gen_account_db.sql" "$ROWS" "$NOW")
db=$work/live.db
cp "$f" "$db"
sync
mb=$(( $(stat -c %s "$db") / 1048576 ))
say "dataset: $db ($mb MB)"
writer=(--writer-bin "$bin/app_writer" --writer-now "$NOW" --writer-db "$db" --watch-file "$db-wal")
cat >"$work/job.ini" <<INI
[general]
database = $db
log_file = $work/job.log
[backup]
dir = $work/backups
INI

say "mailjobs backup"
"$bin/measure" "${writer[@]}" --child-out "$work/job.out" -- \
  "$MJ" backup --config "$work/job.ini" --max-runtime "$BUDGET" >"$work/job.measure.json"
out=$(ls "$work"/backups/mailjobs-*.db.gz)
job_bytes=$(stat -c %s "$out")
rm -rf "$work/backups"; sync

say "reference: sqlite3 VACUUM INTO, then gzip -6"
cat >"$work/ref.sh" <<SH
set -e
sqlite3 "$db" "VACUUM INTO '$work/ref-copy.db'"
gzip -6 "$work/ref-copy.db"
SH
"$bin/measure" "${writer[@]}" -- /bin/bash "$work/ref.sh" >"$work/ref.measure.json"
ref_bytes=$(stat -c %s "$work/ref-copy.db.gz")
rm -f "$work/ref-copy.db.gz"

jm=$work/job.measure.json rm_=$work/ref.measure.json
echo "database $mb MB ($ROWS generated rows); writer: one insert every 5 ms"
printf '%-36s %8s %8s %10s %9s %9s %9s %12s %9s %8s\n' variant s MB/s out_MB w_p50_ms w_p99_ms w_max_ms w_wait_max_ms peak_WAL rss_MB
row() {  # row LABEL MEASURE_JSON OUT_BYTES
  local s; s=$(jq '.median_ms / 1000' "$2")
  printf '%-36s %8.2f %8.1f %10.1f %9.2f %9.2f %9.2f %12.2f %9s %8s\n' "$1" "$s" "$(awk -v m="$mb" -v s="$s" 'BEGIN{print (s > 0 ? m / s : 0)}')" \
    "$(awk -v b="$3" 'BEGIN{print b / 1048576}')" "$(jq .writer.p50_ms "$2")" "$(jq .writer.p99_ms "$2")" "$(jq .writer.max_ms "$2")" \
    "$(jq .writer.lock_wait_max_ms "$2")" "$(( $(jq .peak_bytes "$2") / 1048576 ))M" "$(( $(jq .maxrss_kb "$2") / 1024 ))"
}
row "mailjobs backup (snapshot, steps)" "$jm" "$job_bytes"
row "reference: VACUUM INTO + gzip -6" "$rm_" "$ref_bytes"
echo "mailjobs backup exit $(jq -c .exit_codes "$jm"), writer inserts $(jq .writer.count "$jm") (failed $(jq .writer.failed "$jm")); $(cat "$work/job.out")"
echo "ratio: mailjobs backup takes $(awk -v a="$(jq .median_ms "$jm")" -v b="$(jq .median_ms "$rm_")" 'BEGIN{printf "%.2f", a / b}')x the reference's time"
