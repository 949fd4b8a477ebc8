#!/usr/bin/env bash
# Account-deletion benchmark (issue 14): `mailjobs run account-deletion` on one account holding
# BENCH_DELETION_ROWS rows across the tables of its data (bench/gen_account_db.sql), with the
# application writing meanwhile (bench/app_writer.cpp: one insert every 5 ms, its latencies from
# bench/measure.cpp), against a reference measured in the same run on a copy of the same file: one
# statement `DELETE FROM users WHERE id = ?` with foreign_keys = ON, which SQLite's ON DELETE
# CASCADE turns into the whole deletion in one transaction (bench/ref_cascade.cpp).
#
#   BENCH_DELETION_ROWS=1000000   rows of the account (plus 15 % of other users' rows that stay)
#   BENCH_DELETION_BUDGET=120s    --max-runtime of the deletion run: a run that has not finished by
#                                 then ends "more" and its figures are those of the rows it deleted
#
# The generated database is cached in out/bench-cache/, keyed by row count, schema and generator
# (1M rows: a few seconds, 240 MB). Prints rows deleted (anonymised audit rows included), rows/s, the
# longest write transaction (job_runs.max_txn_ms), the writer's p50/p99/max insert latency and
# lock wait, for both; figures only, no verdicts.
#
# Results (2-core VM shared with other work, 2026-12-02, commit 21ecf26; writer p50/p99/max in ms):
#   rows   variant                       rows done      s   rows/s  longest txn  writer p50/p99/max
#   100k   account-deletion (batches)    100321 all   0.78  128617     19 ms     0.20 / 19.1 / 22.1
#   100k   one cascading DELETE           95321 (a)   0.26  368035    259 ms     0.16 / 230 / 230
#   1M     account-deletion (batches)      2120     120 (b)     18     89 ms     0.16 / 79.4 / 233
#   1M     one cascading DELETE          950321 (a)   2.55  372938   2548 ms     0.13 / 2335 / 2335
#   after the fix (selection without ORDER BY, parents walked in id windows of 1000), 1M rows:
#   1M     account-deletion (batches)   1000321 all   4.45  224993     52 ms     0.32 / 36.8 / 57.8
#   1M     one cascading DELETE          950321 (a)   2.76  344681   2757 ms     0.09 / 2537 / 2537
#   after per-table batch sizes (a quarter of batch_size first), parent walks bounded by the parents
#   a batch looks at, and the waiting counts read before the first transaction (2026-12-02, 35e5915,
#   the 2 cores shared with four compiling builds: the reference took 4.58 s here, 2.76 s above):
#   1M     account-deletion (batches)   1000321 all  11.53   86773     24 ms     0.32 / 23.7 / 142
#   1M     one cascading DELETE          950321 (a)   4.58  207562   4577 ms     0.25 / 4252 / 4252
# (a) without the 5 % job_attempts, which have no foreign key and stay behind.
# (b) stopped by the budget in its first step (job_attempts/delivery_log). At 1M the selection of a
#     batch costs the same whatever its size: job_attempts ... item_id IN (SELECT id FROM delivery_log
#     WHERE user_id = ?) ORDER BY rowid LIMIT n takes 63 ms for n = 10 or 1000 (the whole IN list and a
#     sort each time; 0.7 ms when the parent ids are taken in keyset order, 1000 at a time), and
#     message_logs ... WHERE user_id = ? ORDER BY rowid 27-33 ms (a sort of 300k rowids: the index is
#     (user_id, created_at); 0.2 ms without the ORDER BY). Over the 12 ms target the batch sizer
#     shrinks to 1 row: 18 rows/s, transactions of 40-90 ms. 300k rows: the same, 42 rows/s.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${BENCH_DELETION_ROWS:-1000000}
BUDGET=${BENCH_DELETION_BUDGET:-120s}
NOW=1795000000                 # 2026-11-18T11:06:40Z: the data ends here
USER_ID=2                      # the account (gen_account_db.sql)
. "$here/lib.sh"
bench_start deletion
# 1. Helper programs, against the same static SQLite the binary links. 2. The cached database.
bench_helpers app_writer measure ref_cascade
f=$(cached_db account "$here/gen_account_db.sql" "$ROWS" "$NOW")
say "dataset: $f ($(du -m "$f" | cut -f1) MB)"

# The account's rows, per table of the list (audit_logs: rows still tied to the user), and the
# other users' rows that must stay (the writer's own inserts left out).
account_rows() {
  sqlite3 "$1" "SELECT
    (SELECT count(*) FROM job_attempts WHERE item_table = 'delivery_log' AND item_id IN (SELECT id FROM delivery_log WHERE user_id = $USER_ID))
    + (SELECT count(*) FROM dns_checks WHERE domain_id IN (SELECT id FROM domains WHERE user_id = $USER_ID))
    + (SELECT count(*) FROM alias_destinations WHERE alias_id IN (SELECT id FROM aliases WHERE user_id = $USER_ID))
    $(for t in header_snapshots failed_emails overflow_hold spam_quarantine message_logs message_stats_daily bandwidth_usage \
               bandwidth_rollups usage_threshold_events magic_links sessions delivery_log webhooks notifications messages \
               notification_outbox exports aliases destinations domains audit_logs; do
        printf ' + (SELECT count(*) FROM %s WHERE user_id = %s)' "$t" "$USER_ID"; done)
    + (SELECT count(*) FROM users WHERE id = $USER_ID)"
}
# job_attempts of the account's deliveries stay behind a cascade (no foreign key): counted apart.
orphan_attempts() {
  sqlite3 "$1" "SELECT count(*) FROM job_attempts WHERE item_table = 'delivery_log' AND item_id NOT IN (SELECT id FROM delivery_log)"
}
others() {
  sqlite3 "$1" "SELECT (SELECT count(*) FROM message_logs WHERE user_id <> $USER_ID)
    + (SELECT count(*) FROM delivery_log WHERE user_id <> $USER_ID AND coalesce(instance_id, '') <> 'app_writer')
    + (SELECT count(*) FROM users WHERE id <> $USER_ID)"
}
total=$(account_rows "$f")
others_before=$(others "$f")
say "account: $total rows; other users' rows: $others_before"
writer=(--writer-bin "$bin/app_writer" --writer-now "$NOW")

# 3. account-deletion, with the application writer. Tombstones on (a secret file), as configured
# in production; one run of BENCH_DELETION_BUDGET.
db=$work/job.db
cp "$f" "$db"
sync  # the copy written back before the clock starts (otherwise its writeback competes with the run)
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/tombstone.secret"
chmod 600 "$work/tombstone.secret"
cat >"$work/job.ini" <<INI
[general]
database = $db
log_file = $work/job.log
[job.account-deletion]
tombstone_secret_file = $work/tombstone.secret
INI
say "account-deletion"
"$bin/measure" "${writer[@]}" --writer-db "$db" --watch-file "$db-wal" -- \
  "$MJ" run account-deletion --config "$work/job.ini" --max-runtime "$BUDGET" --now "$NOW" >"$work/job.measure.json"
sqlite3 -json "$db" "SELECT outcome, exit_reason, changed, duration_ms, max_txn_ms, counts FROM job_runs
                     WHERE job = 'account-deletion' ORDER BY id DESC LIMIT 1" | jq '.[0]' >"$work/job.run.json"
sqlite3 -json "$db" "SELECT status, at_table, counts FROM account_deletions WHERE user_id = $USER_ID" | jq '.[0]' >"$work/job.deletion.json"
job_left=$(account_rows "$db"); job_others=$(others "$db"); job_orphans=$(orphan_attempts "$db")
rm -f "$db" "$db-wal" "$db-shm"

# 4. The reference: one cascading DELETE of the users row, on a fresh copy, with the same writer.
db=$work/ref.db
cp "$f" "$db"
sync
say "reference: DELETE FROM users WHERE id = $USER_ID (ON DELETE CASCADE)"
"$bin/measure" "${writer[@]}" --writer-db "$db" --watch-file "$db-wal" --child-out "$work/ref.out" -- \
  "$bin/ref_cascade" "$db" "$USER_ID" >"$work/ref.measure.json"
ref_left=$(account_rows "$db"); ref_others=$(others "$db"); ref_orphans=$(orphan_attempts "$db")
rm -f "$db" "$db-wal" "$db-shm"

# 5. The figures.
jm=$work/job.measure.json jr=$work/job.run.json rm_=$work/ref.measure.json ro=$work/ref.out
echo "account of $total rows ($ROWS generated), other users' rows $others_before; writer: one insert every 5 ms"
printf '%-34s %9s %8s %9s %12s %9s %9s %9s %10s %7s\n' variant rows s rows/s longest_txn_ms w_p50_ms w_p99_ms w_max_ms w_inserts w_fail
row() {  # row LABEL ROWS SECONDS TXN_MS MEASURE_JSON
  printf '%-34s %9s %8.2f %9.0f %12.1f %9.2f %9.2f %9.2f %10s %7s\n' "$1" "$2" "$3" "$(awk -v r="$2" -v s="$3" 'BEGIN{print (s > 0 ? r / s : 0)}')" \
    "$4" "$(jq .writer.p50_ms "$5")" "$(jq .writer.p99_ms "$5")" "$(jq .writer.max_ms "$5")" "$(jq .writer.count "$5")" "$(jq .writer.failed "$5")"
}
row "account-deletion (batches)" "$(jq .changed "$jr")" "$(jq '.duration_ms / 1000' "$jr")" "$(jq .max_txn_ms "$jr")" "$jm"
row "reference: one cascading DELETE" "$((total - ref_left - ref_orphans))" "$(jq '.ms / 1000' "$ro")" "$(jq .max_txn_ms "$ro")" "$rm_"
echo
echo "account-deletion: outcome $(jq -r '.outcome + " (" + .exit_reason + ")"' "$jr"), deletion $(jq -r '.status + (if .at_table then " at " + .at_table else "" end)' "$work/job.deletion.json"), \
account rows left $job_left, orphaned attempts $job_orphans, other users' rows $job_others of $others_before, \
writer intended-start p99 $(jq .writer.intended_p99_ms "$jm") ms, lock wait p99/max $(jq .writer.lock_wait_p99_ms "$jm")/$(jq .writer.lock_wait_max_ms "$jm") ms, \
peak WAL $(( $(jq .peak_bytes "$jm") / 1048576 )) MB, peak RSS $(( $(jq .maxrss_kb "$jm") / 1024 )) MB"
echo "  counts: $(jq -c '.counts | fromjson' "$work/job.deletion.json")"
echo "reference: account rows left $ref_left, orphaned attempts left $ref_orphans (no foreign key: the cascade does not reach them), \
other users' rows $ref_others of $others_before, writer intended-start p99 $(jq .writer.intended_p99_ms "$rm_") ms, \
peak WAL $(( $(jq .peak_bytes "$rm_") / 1048576 )) MB"
