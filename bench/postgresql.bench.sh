#!/usr/bin/env bash
# PostgreSQL benchmark (issue 19): a real PostgreSQL 15 started for the run (tests/servers/postgres.sh).
#
# 1. Workers: BENCH_PG_MESSAGES (400) queued notices (SMTP) and as many webhook deliveries (HTTP),
#    sent by 1, 2 and 4 `mailjobs worker` processes with their own host ids ([job.*] parallel_runs
#    = 4) against local receivers that take 50 ms a message, so the work is waiting, not CPU, and
#    two cores can show the scaling. Reference: one `mailjobs run` of each job on SQLite, same
#    data, same receivers. Prints messages/s, the ratio to one worker, and the peak RSS of a worker.
# 2. Purge: delivery-log-cleanup over BENCH_PG_PURGE_ROWS (200,000) expired delivery_log rows while
#    a second process inserts a row every ~5 ms, on SQLite and on PostgreSQL (the same rows, moved
#    with `mailjobs copy-to`): rows/s, longest write transaction, peak RSS; the writer's worst wait.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
N=${BENCH_PG_MESSAGES:-400}
PURGE_ROWS=${BENCH_PG_PURGE_ROWS:-200000}
. "$here/lib.sh"
. "$root/tests/servers/postgres.sh"
bench_start postgresql
pids=()
pgdir=$(mktemp -d /tmp/mj-bench-pg.XXXXXX)  # under /tmp: the server's user reaches it
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_pg_server
  rm -rf "$pgdir"
}
trap cleanup EXIT
cd "$work"
PG_DURABLE=1 start_pg_server "$pgdir"  # fsync on, as a real server

# Receivers: 50 ms before each SMTP DATA reply and each HTTP answer.
mkdir -p smtp
/usr/bin/python3 "$root/tests/servers/smtp_server.py" smtp 2>/dev/null & pids+=($!)
echo '{"delay": 0.05}' > smtp/control.json
echo '{"/hook": {"delay": 0.05}}' > rules.json
/usr/bin/python3 "$root/tests/servers/http_server.py" --port-file http.port --log http.jsonl --rules rules.json 2>/dev/null & pids+=($!)
for _ in $(seq 100); do [ -s smtp/port ] && [ -s http.port ] && break; sleep 0.05; done
url=http://127.0.0.1:$(cat http.port)/hook

pg_url() { echo "postgresql://$MJ_TEST_PG_USER@127.0.0.1:$MJ_TEST_PG_PORT/$1?passfile=$MJ_TEST_PG_PASSFILE"; }
pg_admin() { psql -X -q -h "$MJ_TEST_PG_SOCKET" -p "$MJ_TEST_PG_PORT" -U postgres -d postgres "$@" 2>/dev/null; }
pg_sql() { PGPASSFILE=$MJ_TEST_PG_PASSFILE psql -X -q -At -v ON_ERROR_STOP=1 "$(pg_url "$1" | sed 's/?.*//')" -c "$2"; }

# jobs.ini for DATABASE: the two queue jobs (and nothing else) against the receivers.
write_ini() {
  {
    printf '[general]\ndatabase = %s\nlog_file = var/mailjobs.log\nworker_interval = 1s\ntime_budget = 60s\n' "$1"
    printf '[mail]\ntransport = smtp\nsmtp_host = 127.0.0.1\nsmtp_port = %s\nsmtp_starttls = off\nfrom_address = porter@mail.example.net\ntimeout = 10s\n' "$(cat smtp/port)"
    printf '[http]\nallow_private_addresses = true\ntimeout = 10s\n'
    printf '[job.notification-delivery]\nhourly_cap = 1000000\nparallel_runs = 4\nbatch_size = 10\n'
    printf '[job.webhook-retry]\nparallel_runs = 4\nbatch_size = 10\n'
    "$MJ" --database var/list.db list 2>/dev/null | awk 'NR > 1 {print $1}' | while read -r j; do
      case $j in notification-delivery|webhook-retry) ;; *) printf '[job.%s]\nenabled = false\n' "$j" ;; esac
    done
  } > jobs.ini
}
mkdir -p var
queue_sql() {  # the N notices and N deliveries, due now
  local now; now=$(date +%s)
  cat <<SQL
INSERT INTO users(id, email, created_at) VALUES (1, 'u@example.com', $now);
INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, '$url', 'k');
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $N)
INSERT INTO notification_outbox(user_id, to_address, persona, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
  SELECT 1, 'u@example.com', 'porter', 'bench', 'Notice ' || i, 'Body ' || i, 'b:' || i, 'queued', $now - 60, $now - 60 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $N)
INSERT INTO delivery_log(user_id, webhook_id, webhook_url, payload_hash, payload, status, attempts, next_retry_at, created_at)
  SELECT 1, 1, '$url', 'h', '{"n":' || i || '}', 'pending', 0, $now - 5, $now - 5 FROM c;
SQL
}

say "workers: $N notices + $N webhooks at 50 ms each"
# SQLite reference: one run of each job, one after the other (cron's way on one host).
rm -f var/ref.db && write_ini var/ref.db && "$MJ" migrate >/dev/null && sqlite3 var/ref.db "$(queue_sql)"
t0=$(date +%s.%N)
"$MJ" run notification-delivery webhook-retry --max-runtime 10m >/dev/null 2>&1 || true
t1=$(date +%s.%N)
ref_rate=$(echo "2 * $N / ($t1 - $t0)" | bc -l)
printf 'sqlite, one run of each job:   %4d messages in %6.1f s = %6.1f/s\n' $((2 * N)) "$(echo "$t1 - $t0" | bc -l)" "$ref_rate"

one_rate=
for w in 1 2 4; do
  db=bench_w$w
  pg_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db OWNER $MJ_TEST_PG_USER" >/dev/null
  write_ini "$(pg_url $db)"
  "$MJ" migrate >/dev/null
  pg_sql $db "$(queue_sql)" >/dev/null
  wpids=()
  t0=$(date +%s.%N)
  for h in $(seq 1 $w); do
    "$MJ" --set general.host_id=bench-$h worker --quiet >/dev/null 2>&1 & wpids+=($!)
  done
  pids+=("${wpids[@]}")
  while [ "$(pg_sql $db "SELECT (SELECT count(*) FROM notification_outbox WHERE status <> 'sent') + (SELECT count(*) FROM delivery_log WHERE status <> 'delivered')")" -gt 0 ]; do
    sleep 0.2
  done
  t1=$(date +%s.%N)
  rss=0  # each worker's peak RSS (VmHWM) before it is stopped; the largest
  for p in "${wpids[@]}"; do
    r=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    [ "${r:-0}" -gt "$rss" ] && rss=$r
  done
  kill -TERM "${wpids[@]}" 2>/dev/null || true
  for p in "${wpids[@]}"; do wait "$p" 2>/dev/null || true; done
  rate=$(echo "2 * $N / ($t1 - $t0)" | bc -l)
  [ -n "$one_rate" ] || one_rate=$rate
  printf 'postgresql, %d worker(s):       %4d messages in %6.1f s = %6.1f/s  (x%.2f of 1 worker, x%.2f of sqlite); peak RSS of a worker %d KiB\n' \
    "$w" $((2 * N)) "$(echo "$t1 - $t0" | bc -l)" "$rate" "$(echo "$rate / $one_rate" | bc -l)" "$(echo "$rate / $ref_rate" | bc -l)" "$rss"
done

say "purge: $PURGE_ROWS expired delivery_log rows with a writer"
rm -f var/purge.db && write_ini var/purge.db && "$MJ" migrate >/dev/null
now=$(date +%s)
sqlite3 var/purge.db "INSERT INTO users(id, email, created_at) VALUES (1, 'u@example.com', $now);
  WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $PURGE_ROWS)
  INSERT INTO delivery_log(user_id, webhook_url, payload_hash, payload, status, attempts, created_at, delivered_at)
    SELECT 1, 'https://example.com/h', 'h', '{\"n\":' || i || '}', 'delivered', 1, $now - 200*86400 + i, $now - 200*86400 + i FROM c;"
pg_admin -c "DROP DATABASE IF EXISTS bench_purge WITH (FORCE)" -c "CREATE DATABASE bench_purge OWNER $MJ_TEST_PG_USER" >/dev/null
"$MJ" --database var/purge.db copy-to "$(pg_url bench_purge)" --quiet >/dev/null
# The writer: one INSERT a statement, ~5 ms apart, each timed; prints the worst and the p99 in ms.
writer() {  # writer sqlite|postgresql STOPFILE
  /usr/bin/python3 - "$1" "$2" "$work/var/purge.db" "$(pg_url bench_purge)" "$MJ_TEST_PG_PASSFILE" <<'PY'
import os, sqlite3, subprocess, sys, time
kind, stop, path, url, passfile = sys.argv[1:]
waits = []
if kind == "sqlite":
    c = sqlite3.connect(path, timeout=5, isolation_level=None)
    def ins():
        c.execute("INSERT INTO delivery_log(user_id, webhook_url, payload_hash, payload, status, created_at) VALUES (1, 'w', 'h', '{}', 'pending', strftime('%s','now'))")
else:
    p = subprocess.Popen(["psql", "-X", "-q", "-At", url.split("?")[0]], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True, env=dict(os.environ, PGPASSFILE=passfile))
    def ins():
        p.stdin.write("INSERT INTO delivery_log(user_id, webhook_url, payload_hash, payload, status, created_at) VALUES (1, 'w', 'h', '{}', 'pending', extract(epoch from now())::bigint); SELECT 1;\n")
        p.stdin.flush()
        p.stdout.readline()
while not os.path.exists(stop):
    t = time.monotonic(); ins(); waits.append((time.monotonic() - t) * 1000); time.sleep(0.005)
waits.sort()
print("%.1f %.1f %d" % (waits[int(len(waits) * 0.99)] if waits else 0, waits[-1] if waits else 0, len(waits)))
PY
}
for kind in sqlite postgresql; do
  if [ $kind = sqlite ]; then write_ini var/purge.db; else write_ini "$(pg_url bench_purge)"; fi
  rm -f stop && writer $kind stop > writer.out & wp=$!
  sleep 0.5
  /usr/bin/time -f '%M' -o rss.purge "$MJ" run delivery-log-cleanup --max-runtime 10m --json > purge.json 2>/dev/null || true
  touch stop; wait $wp
  read -r p99 worst n < writer.out
  read -r ms gone < <(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; print(r["duration_ms"], r["changed"])' purge.json)
  q="SELECT max_txn_ms FROM job_runs WHERE job = 'delivery-log-cleanup' ORDER BY id DESC LIMIT 1"
  if [ $kind = sqlite ]; then txn=$(sqlite3 var/purge.db "$q"); else txn=$(pg_sql bench_purge "$q"); fi
  printf '%-10s delivery-log-cleanup: %d rows in %d ms = %.0f rows/s; longest transaction %d ms; peak RSS %d KiB; writer: %d inserts, p99 %.1f ms, worst %.1f ms\n' \
    "$kind" "$gone" "$ms" "$(echo "$gone * 1000 / ($ms + 1)" | bc -l)" "$txn" "$(cat rss.purge)" "$n" "$p99" "$worst"
done
