#!/usr/bin/env bash
# disk-sweep benchmark (issue 17): the sweep of a spool folder of BENCH_SWEEP_FILES files against
# BENCH_SWEEP_ROWS held-mail rows that name spool files (bench/gen_spool_db.sql), a tenth of the
# files unreferenced; dry-run (median of 3) and the real run, each's wall time and peak RSS,
# against a reference measured in the same run on the same files: what an operator scripts by
# hand, `sqlite3` dump of the three spool_path columns | sort, `find -mtime` | sort, `comm -13`.
#
#   BENCH_SWEEP_ROWS=1000000    rows naming a spool file (generated once into out/bench-cache/)
#   BENCH_SWEEP_FILES=5000      files in the spool folder (90 % referenced, 10 % orphans)
#
# Prints seconds, peak RSS, files found and removed, and the ratios; figures only, no verdicts.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${BENCH_SWEEP_ROWS:-1000000}
FILES=${BENCH_SWEEP_FILES:-5000}
NOW=1795000000
. "$here/lib.sh"
bench_start disk_sweep
f=$(cached_db spool "$here/gen_spool_db.sql" "$ROWS" "$NOW")
db=$work/live.db
cp "$f" "$db"
spool=$work/spool
old=$((NOW - 2 * 86400))
# make_files: FILES files spread over the three tables' folders; every tenth an orphan (n beyond
# the table's rows), all two days old by the job's clock (--now) and by find's (-mtime +1).
make_files() {
  rm -rf "$spool"
  mkdir -p "$spool/mail/s" "$spool/mail/o" "$spool/mail/f"
  (cd "$spool/mail" && for i in $(seq 1 "$FILES"); do
    case $((i % 3)) in 0) t=s ;; 1) t=o ;; *) t=f ;; esac
    if [ $((i % 10)) -eq 0 ]; then n=$((ROWS + i)); else n=$((i / 3 + 1)); fi
    printf 'x' > "$t/$n.eml"
  done)
  find "$spool" -type f -exec touch -d "@$old" {} +
}
cat >"$work/job.ini" <<INI
[general]
database = $db
log_file = $work/job.log
[job.forward-retry]
spool_dir = $spool
[job.overflow-hold-expiry]
spool_dir = $spool
[job.spam-quarantine-expiry]
spool_dir = $spool
[export]
dir = $work/exports
[backup]
dir = $work/backups
INI
# timed LABEL CMD...: wall seconds and peak RSS (KB) of CMD into $secs and $rss
timed() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/time.$label" "$@" >"$work/out.$label" 2>"$work/err.$label" || { cat "$work/err.$label" >&2; exit 1; }
  read -r secs rss <"$work/time.$label"
}
make_files
orphans=$((FILES / 10))
"$MJ" migrate --config "$work/job.ini" >/dev/null
sync
say "dataset: $ROWS rows, $FILES files ($(find "$spool" -type f | wc -l) made)"

say "reference: sqlite3 dump | sort, find | sort, comm -13"
cat >"$work/ref.sh" <<SH
set -e
sqlite3 "$db" "SELECT spool_path FROM spam_quarantine WHERE spool_path IS NOT NULL UNION ALL SELECT spool_path FROM overflow_hold WHERE spool_path IS NOT NULL UNION ALL SELECT spool_path FROM failed_emails WHERE spool_path IS NOT NULL" | LC_ALL=C sort > "$work/refs"
(cd "$spool" && find . -type f -mtime +1 -printf '%P\n' | LC_ALL=C sort) > "$work/files"
LC_ALL=C comm -13 "$work/refs" "$work/files"
SH
ref_s=() ; ref_rss=0
for k in 1 2 3; do timed ref /bin/bash "$work/ref.sh"; ref_s+=("$secs"); ref_rss=$(( rss > ref_rss ? rss : ref_rss )); done
ref_found=$(wc -l <"$work/out.ref")

say "mailjobs run disk-sweep --dry-run (3 times)"
dry_s=(); dry_rss=0
for k in 1 2 3; do
  timed dry "$MJ" run disk-sweep --config "$work/job.ini" --now "$NOW" --dry-run --json
  dry_s+=("$secs"); dry_rss=$(( rss > dry_rss ? rss : dry_rss ))
done
dry_found=$(jq '.files' "$work/out.dry")

say "mailjobs run disk-sweep"
timed run "$MJ" run disk-sweep --config "$work/job.ini" --now "$NOW" --json
run_s=$secs run_rss=$rss
removed=$(jq '.files' "$work/out.run")
left=$(find "$spool" -type f | wc -l)

median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
ref_m=$(median "${ref_s[@]}") dry_m=$(median "${dry_s[@]}")
echo "disk-sweep: $ROWS rows naming spool files, $FILES files ($orphans made unreferenced)"
printf '%-44s %8s %9s %7s\n' variant s rss_MB found
printf '%-44s %8.3f %9.1f %7s\n' "reference (sqlite3 | sort, find | sort, comm)" "$ref_m" "$(awk -v k="$ref_rss" 'BEGIN{print k/1024}')" "$ref_found"
printf '%-44s %8.3f %9.1f %7s\n' "mailjobs run disk-sweep --dry-run" "$dry_m" "$(awk -v k="$dry_rss" 'BEGIN{print k/1024}')" "$dry_found"
printf '%-44s %8.3f %9.1f %7s\n' "mailjobs run disk-sweep (removes)" "$run_s" "$(awk -v k="$run_rss" 'BEGIN{print k/1024}')" "$removed"
echo "dry-run / reference: $(awk -v a="$dry_m" -v b="$ref_m" 'BEGIN{printf "%.2fx", (b > 0 ? a / b : 0)}') time; files left after the run: $left"
