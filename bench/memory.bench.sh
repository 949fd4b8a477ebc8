#!/usr/bin/env bash
# Memory benchmark (issue 11): peak RSS of every job (`mailjobs run JOB` for each job in
# `mailjobs list`) and of the read-only commands, on a database of BENCH_MEM_ROWS rows spread over
# every table a job works on (bench/gen_memory_db.sql), measured with /usr/bin/time -v. The
# target on shared hosting is <= 32 MB per job (CloudLinux PMEM counts the page cache too).
#
#   BENCH_MEM_ROWS=10000000   rows in all (generated once into out/bench-cache/, ~2.6 GB, minutes)
#   BENCH_MEM_RUNTIME=120s    --max-runtime of each job run (the default time_budget of a tick)
#
# Jobs run one after another on one copy of the cached database, in `mailjobs list` order, each
# with --now at the end of the generated data; a job that reaches its budget stops there ("more").
# Prints a table (job, peak RSS, elapsed, outcome, rows changed) and the largest figure; no verdict.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${BENCH_MEM_ROWS:-10000000}
RUNTIME=${BENCH_MEM_RUNTIME:-120s}
NOW=1795000000                 # 2026-11-18T11:06:40Z: the data ends here
. "$here/lib.sh"
bench_start memory   # also takes the one-benchmark-at-a-time lock
[ -x /usr/bin/time ] || { echo "bench: error: /usr/bin/time is missing (Debian package time)" >&2; exit 2; }

f=$(cached_db memory "$here/gen_memory_db.sql" "$ROWS" "$NOW")
db=$work/mem.db
cp "$f" "$db"
total=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM delivery_log) + (SELECT count(*) FROM message_logs) +
  (SELECT count(*) FROM header_snapshots) + (SELECT count(*) FROM audit_logs) + (SELECT count(*) FROM sessions) +
  (SELECT count(*) FROM notifications) + (SELECT count(*) FROM messages) + (SELECT count(*) FROM job_runs) +
  (SELECT count(*) FROM job_attempts) + (SELECT count(*) FROM magic_links) + (SELECT count(*) FROM bandwidth_usage) +
  (SELECT count(*) FROM spam_quarantine) + (SELECT count(*) FROM failed_emails) + (SELECT count(*) FROM notification_outbox) +
  (SELECT count(*) FROM overflow_hold)")
say "database: $db, $total rows, $(du -m "$db" | cut -f1) MB"

# Every job does real work: mail to a maildir, the audit archive on, unverified destinations
# removed, one operator policy. Webhook rows due now point at a loopback address, which
# webhook-retry refuses without connecting (allow_private_addresses off).
cat >"$work/jobs.ini" <<INI
[general]
database = $db
log_file = $work/mailjobs.log
[mail]
transport = maildir
maildir_path = $work/maildir
from_address = porter@mail.example.net
[job.audit-log-cleanup]
archive = true
archive_dir = $work/audit-archive
[job.destination-verification-expiry]
remove_unverified = true
[retention.bandwidth]
table = bandwidth_usage
time_column = recorded_at
older_than = 60d
INI

# measure NAME ARGS...: one line of the table
peak_max=0
measure() {
  local name=$1; shift
  local rc=0 kb secs
  /usr/bin/time -v -o "$work/time.txt" "$MJ" "$@" --config "$work/jobs.ini" >"$work/out.txt" 2>"$work/err.txt" || rc=$?
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
  local outcome="exit $rc" changed=""
  if [ "${1:-}" = run ]; then
    IFS='|' read -r outcome changed < <(sqlite3 -separator '|' "$db" \
      "SELECT outcome || '/' || coalesce(exit_reason, ''), changed FROM job_runs WHERE job = '$name' ORDER BY id DESC LIMIT 1")
  fi
  printf '%-34s %8.1f MB %10s  %-22s %s\n' "$name" "$(awk -v k="$kb" 'BEGIN {print k / 1024}')" "$secs" "$outcome" "$changed"
  [ "$kb" -le "$peak_max" ] || { peak_max=$kb; peak_name=$name; }
  [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || say "$name exited $rc: $(head -c 300 "$work/err.txt")"
}

echo "memory: peak RSS per job, $total rows ($ROWS asked), --max-runtime $RUNTIME, $("$MJ" --version 2>/dev/null | head -1)"
printf '%-34s %11s %10s  %-22s %s\n' JOB "PEAK RSS" ELAPSED OUTCOME CHANGED
for job in $("$MJ" list --json --config "$work/jobs.ini" | jq -r 'sort_by(-.priority) | .[].name'); do
  measure "$job" run "$job" --now "$NOW" --max-runtime "$RUNTIME"
done
echo "-- commands (after the jobs)"
measure "tick (after the jobs)" tick --now "$NOW"
measure "status" status
measure "status --json" status --json
measure "history --limit 1000" history --limit 1000
measure "history --attempts" history --attempts --limit 1000
measure "list" list
measure "config" config
measure "cleanup stats" cleanup stats
measure "cleanup preview" cleanup preview
echo "largest: $peak_name, $(awk -v k="$peak_max" 'BEGIN {printf "%.1f", k / 1024}') MB (target on shared hosting: <= 32 MB)"
rm -f "$db" "$db-wal" "$db-shm"
