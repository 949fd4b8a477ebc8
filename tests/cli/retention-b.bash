# Helpers for the retention B job tests (issue 4: overflow hold, message logs, header snapshots,
# audit logs, aliases, destinations). Source after lib.sh. Not a test itself (run-all.sh runs *.sh).

# --- data (recursive CTEs on the migrated database; times relative to $NOW) ---------------------

# add_held N HELD_AT [WARNING_QUEUED_AT]: N overflow_hold rows of users 1..10
add_held() {
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $1)
       INSERT INTO overflow_hold(user_id, mail_from, rcpt_to, subject, raw_message, size_bytes, reason, held_at, warning_queued_at)
       SELECT 1 + i % 10, 'sender' || i || '@example.net', 'box@example.org', 'subject ' || i, randomblob(200), 200, 'quota',
              $2, ${3:-NULL} FROM c;"
}

# add_logs N FIRST_CREATED_AT STEP: N message logs, created_at = FIRST + i*STEP, users 1..5,
# mixed outcomes and sizes, inserted in time order like the mail pipeline does.
add_logs() {
  sql "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM c WHERE i < $1 - 1)
       INSERT INTO message_logs(user_id, message_id, mail_from, rcpt_to, outcome, bytes, created_at)
       SELECT 1 + abs(random()) % 5, '<' || i || '@example.net>', 'from@example.net', 'to@example.org',
              CASE abs(random()) % 6 WHEN 0 THEN 'delivered' WHEN 1 THEN 'bounced' WHEN 2 THEN 'rejected'
                   WHEN 3 THEN 'failed' WHEN 4 THEN 'held' ELSE 'quarantined' END,
              abs(random()) % 200000, $2 + i * $3 FROM c;"
}

# add_snapshots_for_logs: one header snapshot per message log, same created_at
add_snapshots_for_logs() {
  sql "INSERT INTO header_snapshots(message_log_id, user_id, encrypted, created_at)
       SELECT id, user_id, randomblob(300), created_at FROM message_logs ORDER BY id;"
}

# add_audit N FIRST_CREATED_AT STEP CRITICAL: N audit rows
add_audit() {
  sql "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM c WHERE i < $1 - 1)
       INSERT INTO audit_logs(user_id, actor, action, target, critical, details, ip, created_at)
       SELECT 1 + i % 10, 'user:u' || (i % 10), 'session.login', 'user:u' || (i % 10), $4,
              '{\"n\":' || i || ',\"agent\":\"Mozilla/5.0\"}', '192.0.2.' || (i % 250), $2 + i * $3 FROM c;"
}

# add_aliases N EXPIRES_AT [ACTIVE]: N aliases of users 1..10
add_aliases() {
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $1)
       INSERT INTO aliases(user_id, address, active, expires_at, created_at)
       SELECT 1 + i % 10, 'a' || hex(randomblob(8)) || '@alias.example', ${3:-1}, $2, $NOW - 100*86400 FROM c;"
}

# add_destinations N CREATED_AT TOKEN_EXPIRES_AT [VERIFIED_AT]: N destinations of users 1..10
add_destinations() {
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $1)
       INSERT INTO destinations(user_id, email, verified_at, verification_token_hash, verification_expires_at, created_at)
       SELECT 1 + i % 10, 'd' || hex(randomblob(8)) || '@box.example', ${4:-NULL}, hex(randomblob(16)), $3, $2 FROM c;"
}

# --- runs --------------------------------------------------------------------------------------

# json_get 'EXPR' : evaluates a Python expression over the JSON in $OUT (`d` is the parsed value)
json_get() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$OUT"; }

# last_run JOB COLUMNS: columns of JOB's newest job_runs row, '|'-separated
last_run() { sql "SELECT $2 FROM job_runs WHERE job = '$1' ORDER BY id DESC LIMIT 1"; }

# stop_mid_run SIGNAL PROGRESS_SQL JOB [ARGS...]: starts `mailjobs run JOB ARGS...` in the background,
# waits until PROGRESS_SQL (a number) changes -- a batch has committed -- then sends SIGNAL.
# RUN_RC is the run's exit status. The caller checks that work was left (else the signal came late).
stop_mid_run() {
  local sig=$1 progress=$2 job=$3 start n pid
  shift 3
  start=$(sql "$progress")
  "$MJ" run "$job" "$@" >"$WORK/.bg.out" 2>"$WORK/.bg.err" &
  pid=$!
  # A deadline, not a count of polls: one poll is a psql start on PostgreSQL (~50 ms when make
  # test loads both cores), so 2000 polls once waited 120 s. A run that ended stops the wait.
  local deadline=$(( $(date +%s) + 60 ))
  while [ "$(date +%s)" -lt $deadline ] && kill -0 "$pid" 2>/dev/null; do
    n=$(sql "$progress" 2>/dev/null || echo "$start")
    [ "$n" != "$start" ] && break
    sleep 0.005
  done
  kill -"$sig" "$pid" 2>/dev/null || true
  set +e; wait "$pid"; RUN_RC=$?; set -e
}

# --- message totals (BJ-07): what a dashboard sums, from detail rows plus daily stats ------------

# log_totals [GROUPING]: one line per group of SUM(messages)/SUM(bytes) over message_logs and
# message_stats_daily together. GROUPING is a SQL expression over (user_id, day, outcome); the
# default is the finest grain (user, UTC day, outcome), which fixes the totals of every period.
log_totals() {
  local g=${1:-"user_id || '/' || day || '/' || outcome"}
  sql "SELECT g || '=' || sum(n) || '/' || sum(b) FROM (
         SELECT $g AS g, n, b FROM (
           SELECT user_id, created_at - created_at % 86400 AS day, outcome, 1 AS n, bytes AS b FROM message_logs
           UNION ALL SELECT user_id, day, outcome, count, bytes FROM message_stats_daily) AS r) AS t
       GROUP BY g ORDER BY g"
}
# all_log_totals: the finest grain, per user, per user per 7-day and per 30-day period, and overall
all_log_totals() {
  log_totals
  log_totals "user_id"
  log_totals "user_id || '/w' || (day / 604800)"
  log_totals "user_id || '/m' || (day / 2592000)"
  log_totals "'all'"
}

# orphan_snapshots: header snapshots whose message log is gone
orphan_snapshots() {
  sql "SELECT count(*) FROM header_snapshots h WHERE h.message_log_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM message_logs m WHERE m.id = h.message_log_id)"
}

# archive_ids [DIR]: ids of the complete JSON lines in the audit archive, one per line, sorted and
# distinct. Reads member by member and tolerates a torn last member (a kill -9 mid-append), the
# way a careful consumer would; `zcat` would stop at it with "unexpected end of file".
archive_ids() {
  /usr/bin/python3 - "${1:-var/audit-archive}" <<'PY'
import glob, json, sys, zlib
ids = set()
for path in glob.glob(sys.argv[1] + "/audit-*.jsonl.gz"):
    data = open(path, "rb").read()
    while data:
        d = zlib.decompressobj(31)
        try:
            out = d.decompress(data)
        except zlib.error:
            break
        for line in out.split(b"\n"):
            try:
                ids.add(json.loads(line)["id"])
            except Exception:
                pass
        if not d.eof:
            break
        data = d.unused_data
print("\n".join(str(i) for i in sorted(ids)))
PY
}
