#!/usr/bin/env bash
# Usage benchmark (issue 15): bandwidth-rollup and usage-threshold-check on generated data.
#
#   BENCH_USAGE_ROWS=1000000   bandwidth_usage rows over the 365 days before NOW, 1000 users, in
#                              time order (one recursive-CTE INSERT: seconds per million)
#   BENCH_USAGE_USERS=100000   users with a quota for the threshold check (15 day rollups each,
#                              one raw row today, every 10th over 80 %)
#
# bandwidth-rollup: the first run over all rows, then a run after 10,000 new rows (today's, and 1 %
# of them late for last week); raw_retention is set past the data so the runs measure the rollup,
# not the purge. Reference, same file copy, same run: one INSERT ... SELECT ... GROUP BY of every
# day rollup in a single transaction (what an unbatched job would hold the lock for).
# usage-threshold-check: a first run (events and notices for every 10th user) and a rerun.
# Figures from job_runs (duration_ms, max_txn_ms, examined, counts); no verdicts.
#
# Results (2-core VM shared with other helpers, 2026-12-02, batch_size 250; 10M rows not measured:
# at 1M the first run took 14.5 s, so 10M would need minutes of generation and ~2.5 min of run):
#   bandwidth-rollup, 1M rows / 365 d / 1000 users     rows       s   rows/s  longest txn
#   reference: one INSERT..GROUP BY (days only)      1000000    3.75   266808   3747 ms
#   first run (all rows, 348809 windows)             1000000   14.48    69085     49 ms
#   after 10k new rows (2959 windows incl. 2 d lateness) 10000  0.14    73529     22 ms
#   rerun, nothing new                                     0    0.07        -      1 ms
#   usage-threshold-check, 100k users                  users       s  users/s  longest txn
#   first run (22855 events, 7142 notices)            100000    1.32    75700     15 ms
#   rerun 1 h later (715 pace events: cycles past 25 %) 100000  0.71   140449      9 ms
# After batches adapt (BatchSizer) and go through a PurgeConnection (same machine, load 4-5 from
# two other builds; BENCH_USAGE_ROWS=10000000):
#   reference: one INSERT..GROUP BY                 10000000   60.08   166441  60080 ms
#   first run (all rows, 550648 windows)            10000000   51.97   192426     42 ms
#   after 10k new rows                                 10000    0.92    10870     15 ms
#   rerun, nothing new (the 2-day lateness stretch)        0    0.94        -      8 ms
#   1M rows, first run: 22.35 s, longest 41 ms; batches median 11 ms, p99 27 ms (log_level=debug)
#   usage-threshold-check 100k users: 1.97 s, 50761 users/s, longest 24 ms
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${BENCH_USAGE_ROWS:-1000000}
USERS=${BENCH_USAGE_USERS:-100000}
NOW=1795000000                 # 2026-11-18T11:06:40Z
cache=$(realpath -m "$root/out/bench-cache")
work=$(realpath -m "$(dirname "$MJ")/bench/usage-work")
mkdir -p "$cache"
rm -rf "$work" && mkdir -p "$work"
say() { echo "bench: $*" >&2; }
cat > "$work/jobs.ini" <<INI
[general]
database = usage.db
log_file = mailjobs.log
time_budget = 900s
max_transaction = 1s
[job.bandwidth-rollup]
raw_retention = 3000d
day_retention = 3100d
week_retention = 3100d
INI
mj() { (cd "$work" && "$MJ" "$@"); }
q() { sqlite3 -batch -noheader "$work/usage.db" "$@"; }
run_figures() {  # JOB LABEL ROWS: one line of figures from the newest job_runs row
  q "SELECT printf('  %-34s %9s %8.2f %10.0f %8d ms  %s', '$2', '$3', duration_ms / 1000.0, $3 * 1000.0 / max(duration_ms, 1),
                   max_txn_ms, outcome || ' ' || examined || ' examined, ' || counts) FROM job_runs WHERE job = '$1' ORDER BY id DESC LIMIT 1"
}

# 1. The usage database, cached by row count and schema.
db="$cache/usage-$ROWS-schema6.db"
if [ ! -f "$db" ]; then
  say "generating $ROWS usage rows"
  rm -f "$work/usage.db"
  mj migrate >/dev/null
  start=$(date +%s.%N)
  q "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 1000)
     INSERT INTO users(id, email, quota_bytes, created_at) SELECT i, 'u' || i || '@example.com', 50000000, 0 FROM c;
     WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM c WHERE i < $ROWS - 1)
     INSERT INTO bandwidth_usage(user_id, bytes, emails, recorded_at)
     SELECT 1 + abs(random()) % 1000, 1000 + abs(random()) % 50000, 1, $NOW - 365*86400 + i * (365*86400) / $ROWS FROM c;"
  say "generated in $(echo "$(date +%s.%N) - $start" | bc) s"
  mv "$work/usage.db" "$db"
fi
echo "bandwidth-rollup, $ROWS rows over 365 days, 1000 users"
printf '  %-34s %9s %8s %10s %11s  %s\n' run rows s rows/s "longest txn" details
cp "$db" "$work/ref.db"
start=$(date +%s%N)
sqlite3 "$work/ref.db" "INSERT INTO bandwidth_rollups(user_id, period, period_start, bytes_used, email_count, updated_at)
  SELECT user_id, 'day', recorded_at - recorded_at % 86400, sum(bytes), sum(emails), $NOW FROM bandwidth_usage GROUP BY 1, 3"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf '  %-34s %9s %8.2f %10.0f %8d ms  %s\n' "reference: one INSERT..GROUP BY" "$ROWS" "$(echo "$ms / 1000" | bc -l)" \
  "$(echo "$ROWS * 1000 / ($ms + 1)" | bc)" "$ms" "days only, one transaction"
rm -f "$work/ref.db"
cp "$db" "$work/usage.db"
mj run bandwidth-rollup --now $NOW --quiet
run_figures bandwidth-rollup "first run (all rows)" "$ROWS"
check=$(q "SELECT (SELECT sum(bytes_used) FROM bandwidth_rollups WHERE period = 'day') = (SELECT sum(bytes) FROM bandwidth_usage)")
[ "$check" = 1 ] || say "WARNING: rollup total differs from the raw total"
q "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 10000)
   INSERT INTO bandwidth_usage(user_id, bytes, emails, recorded_at)
   SELECT 1 + abs(random()) % 1000, 1000 + abs(random()) % 50000, 1,
          CASE WHEN i % 100 = 0 THEN $NOW - 7*86400 ELSE $NOW + 600 + i END FROM c"
mj run bandwidth-rollup --now $((NOW + 3600)) --quiet
run_figures bandwidth-rollup "after 10k new rows" 10000
mj run bandwidth-rollup --now $((NOW + 3700)) --quiet
run_figures bandwidth-rollup "rerun, nothing new" 0

# 2. usage-threshold-check on USERS users with quotas.
rm -f "$work/usage.db"
mj migrate >/dev/null
q "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $USERS)
   INSERT INTO users(id, email, quota_bytes, billing_anchor_day, created_at) SELECT i, 'u' || i || '@example.com', 1500000, 1 + i % 28, 0 FROM c;
   WITH RECURSIVE d(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM d WHERE k < 15)
   INSERT INTO bandwidth_rollups(user_id, period, period_start, bytes_used, email_count, updated_at)
   SELECT u.id, 'day', ($NOW / 86400 - k) * 86400, CASE WHEN u.id % 10 = 0 THEN 90000 ELSE 10000 END, 10, $NOW FROM users u, d;
   INSERT INTO job_state(job, cursor) VALUES('bandwidth-rollup', json_object('complete_before', $NOW / 86400 * 86400));
   INSERT INTO bandwidth_usage(user_id, bytes, recorded_at) SELECT id, 1000, $NOW - 60 FROM users;"
echo "usage-threshold-check, $USERS users with quotas (15 day rollups + 1 raw row each)"
printf '  %-34s %9s %8s %10s %11s  %s\n' run users s users/s "longest txn" details
mj run usage-threshold-check --now $NOW --quiet
run_figures usage-threshold-check "first run (10 % cross)" "$USERS"
mj run usage-threshold-check --now $((NOW + 3600)) --quiet
run_figures usage-threshold-check "rerun 1 h later" "$USERS"  # (users whose cycle passed pace_after meanwhile get a pace event)
