#!/usr/bin/env bash
# Audit archive upload benchmark (issue 15): `mailjobs run audit-log-cleanup` with archive = true
# over BENCH_AUDIT_ROWS old audit rows (default 300k over 60 UTC days), once with the local
# archive only (the reference, measured in the same run) and once with upload_url pointing at a
# WebDAV folder served by lighttpd mod_webdav on 127.0.0.1 (basic auth). Prints rows/s, files and
# bytes uploaded, the longest write transaction of each, and the ratio upload / local. Figures only.
# Measured on the 2-core shared build machine (other builds running), 300k rows, 60 days:
#   local archive only: 52,156 rows/s, longest transaction 26 ms
#   archive + upload:   29,254 rows/s, longest transaction 41 ms, 60 files, 3.8 MB; 1.78x the time
# After the run held one purge connection (checkpoints off the commit path, audit_log_cleanup.cpp):
#   local archive only: 48,239 rows/s, longest transaction 11 ms
#   archive + upload:   48,940 rows/s, longest transaction  9 ms; 0.99x the time
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
MJ=$(realpath "$MJ")
ROWS=${BENCH_AUDIT_ROWS:-300000}
DAYS=60
NOW=1795000000
work=$(realpath -m "$(dirname "$MJ")/bench/audit-upload")
rm -rf "$work"; mkdir -p "$work/dav-root/dav"
cd "$work"
"$MJ" migrate --database base.db --set general.log_file=- >/dev/null 2>&1
step=$((DAYS * 86400 / ROWS)); [ "$step" -ge 1 ] || step=1
sqlite3 base.db <<SQL
.output /dev/null
PRAGMA journal_mode = WAL;
BEGIN;
INSERT INTO users(id, email, created_at) VALUES (1, 'a@example.com', $NOW - 900 * 86400);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < $ROWS - 1)
INSERT INTO audit_logs(user_id, actor, action, target, critical, details, ip, created_at)
  SELECT 1, 'user:u' || (i % 10), 'session.login', 'user:u' || (i % 10), 0,
         '{"n":' || i || ',"agent":"Mozilla/5.0"}', '192.0.2.' || (i % 250), $NOW - 500 * 86400 + i * $step FROM c;
COMMIT;
SQL

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'bench:bench-pw\n' > users
cat > webdav.conf <<CONF
server.document-root = "$work/dav-root"
server.bind = "127.0.0.1"
server.port = $port
server.modules = ("mod_auth", "mod_authn_file", "mod_webdav")
server.errorlog = "$work/webdav-error.log"
auth.backend = "plain"
auth.backend.plain.userfile = "$work/users"
auth.require = ("/dav/" => ("method" => "basic", "realm" => "dav", "require" => "valid-user"))
\$HTTP["url"] =~ "^/dav(\$|/)" { webdav.activate = "enable" }
CONF
lighttpd -D -f webdav.conf &
dav=$!
trap 'kill $dav 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

# run NAME [--set ...]: one audit-log-cleanup over a fresh copy; prints "secs rows max_txn_ms uploads bytes"
run() {
  local name=$1; shift
  rm -rf "$name"; mkdir "$name"; cp base.db "$name/m.db"
  printf '[general]\ndatabase = m.db\nlog_file = mj.log\ntime_budget = 3600s\n[job.audit-log-cleanup]\narchive = true\narchive_dir = archive\n' > "$name/jobs.ini"
  (cd "$name"
   start=$(date +%s.%N)
   "$MJ" run audit-log-cleanup --now $NOW --json "$@" > run.json
   secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.3f", e-s}')
   python3 - "$secs" <<'PY'
import json, sys
r = json.load(open("run.json"))[0]
c = r["counts"]
import sqlite3
txn = sqlite3.connect("m.db").execute("SELECT max_txn_ms FROM job_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
print(sys.argv[1], c.get("audit_logs", 0), txn, c.get("archive_uploads", 0), c.get("archive_upload_bytes", 0))
PY
  )
}
read -r l_secs l_rows l_txn _ _ < <(run local)
read -r u_secs u_rows u_txn u_files u_bytes < <(run upload --set "job.audit-log-cleanup.upload_url=http://127.0.0.1:$port/dav/archive/" \
  --set job.audit-log-cleanup.upload_username=bench --set job.audit-log-cleanup.upload_password=bench-pw)
same=$(cd upload/archive && for f in *; do cmp -s "$f" "$work/dav-root/dav/archive/$f" || echo "$f"; done | wc -l)
python3 - "$l_secs" "$l_rows" "$l_txn" "$u_secs" "$u_rows" "$u_txn" "$u_files" "$u_bytes" "$same" <<'PY'
import sys
ls, lr, lt, us, ur, ut, uf, ub, diff = sys.argv[1:]
ls, us, lr, ur = float(ls), float(us), int(lr), int(ur)
print(f"  local archive only (reference): {lr} rows in {ls:.2f} s, {lr/ls:,.0f} rows/s, longest transaction {lt} ms")
print(f"  archive + WebDAV upload:        {ur} rows in {us:.2f} s, {ur/us:,.0f} rows/s, longest transaction {ut} ms, "
      f"{uf} files, {int(ub)/1e6:.1f} MB uploaded (server copies differing: {diff})")
print(f"  upload / local = {us/ls:.2f}x time")
PY
