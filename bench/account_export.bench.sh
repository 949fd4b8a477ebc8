#!/usr/bin/env bash
# Account export benchmark (issue 14): `mailjobs run account-export` on one account holding
# BENCH_EXPORT_ROWS rows (default 1M: 60% message_logs, 20% header_snapshots, 20% audit_logs) in a
# database that also holds other users' rows. Prints rows/s, archive MB/s (uncompressed JSON+CSV
# and the zip), peak RSS, the longest transaction, and a reference measured in the same run: the
# sqlite3 shell writing the same rows as one CSV per table through gzip (one long read
# transaction per table, no JSON, no manifest). Figures and ratios only.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${BENCH_EXPORT_ROWS:-1000000}
NOW=1795000000
cache=$(realpath -m "$root/out/bench-cache")
work=$(realpath -m "$(dirname "$MJ")/bench/export")
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
db=$cache/export-$ROWS-schema5.db
if [ ! -f "$db" ]; then
  rm -f "$db.tmp"
  "$MJ" migrate --database "$db.tmp" --set general.log_file=- >/dev/null 2>&1
  logs=$((ROWS * 6 / 10)); snaps=$((ROWS / 5)); audits=$((ROWS - logs - snaps))
  sqlite3 "$db.tmp" <<SQL
.output /dev/null
PRAGMA journal_mode = WAL;
BEGIN;
INSERT INTO users(id, email, created_at) VALUES(1, 'big@example.com', $NOW - 400 * 86400), (2, 'other@example.com', $NOW);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $logs)
INSERT INTO message_logs(user_id, message_id, mail_from, rcpt_to, outcome, bytes, created_at)
  SELECT 1, '<m' || i || '@example.com>', 'sender' || (i % 997) || '@example.org', 'alias' || (i % 50) || '@relay.example.com',
         'delivered', 1000 + i % 50000, $NOW - i FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $snaps)
INSERT INTO header_snapshots(user_id, message_log_id, encrypted, created_at) SELECT 1, i, randomblob(64), $NOW - i FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $audits)
INSERT INTO audit_logs(user_id, actor, action, target, details, created_at)
  SELECT 1, 'user:big', 'alias.created', 'alias:' || i, '{"ip":"192.0.2.' || (i % 250) || '"}', $NOW - i FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $((ROWS / 10)))
INSERT INTO message_logs(user_id, outcome, created_at) SELECT 2, 'delivered', $NOW - i FROM c;
COMMIT;
SQL
  mv "$db.tmp" "$db"
fi
rm -rf "$work"; mkdir -p "$work"
cp "$db" "$work/m.db"
sqlite3 "$work/m.db" "INSERT INTO exports(user_id, requested_at) VALUES(1, $NOW - 60)"
printf '[general]\ndatabase = m.db\nlog_file = mj.log\ntime_budget = 3600s\n[export]\ndir = exports\nbase_url = https://example.com/x/\n' > "$work/jobs.ini"
cd "$work"
/usr/bin/time -f '%e %M' -o time.txt "$MJ" run account-export --now $NOW --json > run.json
read -r secs rss_kb < time.txt
rows=$(python3 -c "import json; print(json.load(open('run.json'))[0]['counts']['rows_exported'])")
max_txn=$(grep '"run_end"' mj.log | tail -1 | python3 -c "import json,sys; print(json.loads(sys.stdin.read())['max_txn_ms'])")
zip=$(ls exports/*.zip)
zbytes=$(stat -c %s "$zip")
ubytes=$(python3 -c "import zipfile,sys; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))" "$zip")
# The reference: sqlite3's CSV of the same tables through gzip.
start=$(date +%s.%N)
for t in message_logs header_snapshots audit_logs; do
  sqlite3 -csv -header m.db "SELECT * FROM $t WHERE user_id = 1" | gzip -6 > "ref-$t.csv.gz"
done
ref=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.2f", e-s}')
python3 - "$rows" "$secs" "$rss_kb" "$max_txn" "$zbytes" "$ubytes" "$ref" <<'PY'
import sys
rows, secs, rss, txn, z, u, ref = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
print(f"  account-export of {rows} rows: {secs:.2f} s, {rows/secs:,.0f} rows/s, "
      f"{u/secs/1e6:.1f} MB/s uncompressed (JSON+CSV {u/1e6:.0f} MB), zip {z/1e6:.1f} MB, peak RSS {rss/1024:.1f} MB, longest transaction {txn} ms")
print(f"  reference sqlite3 -csv | gzip (CSV only, one read per table): {ref:.2f} s; account-export / reference = {secs/ref:.2f}x")
PY
