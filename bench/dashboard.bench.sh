#!/usr/bin/env bash
# Dashboard benchmark (issue 16): how long each dashboard page takes, answered by the binary as a
# CGI program exactly as a web server runs it (environment + stdout, no server in between, so the
# figure is mailjobs' own), on the memory benchmark's database of BENCH_DASH_ROWS rows
# (bench/gen_memory_db.sql: job_runs and job_attempts hold 2.5 % each, spread over 180 days) plus
# 14 days of queue samples at a 5-minute tick. The target: <= 100 ms per page on 10M rows.
#
#   BENCH_DASH_ROWS=10000000   rows in all (generated once into out/bench-cache/, minutes)
#   BENCH_DASH_REPEAT=7        runs per page; the median is printed
#
# Reference measured in the same run: `mailjobs status --json` (the same status data, read by the
# command line) and the JSON API's GET /status. Prints ms per page and the ratio to the reference.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${BENCH_DASH_ROWS:-10000000}
REPEAT=${BENCH_DASH_REPEAT:-7}
NOW=1795000000                 # 2026-11-18T11:06:40Z: the data ends here (gen_memory_db.sql)
. "$here/lib.sh"
bench_start dashboard   # also takes the one-benchmark-at-a-time lock

f=$(cached_db memory "$here/gen_memory_db.sql" "$ROWS" "$NOW")
db=$work/dash.db
cp "$f" "$db"
# The pages read the last 14 days before the wall clock (a CGI has no --now): the job history of
# the copy is moved so that it ends now, and 14 days of samples (3 queues, every 5 minutes, what
# the ticks write: 12096 rows) end now too.
wall=$(date +%s)
shift_s=$((wall - NOW))
sqlite3 "$db" "UPDATE job_runs SET started_at = started_at + $shift_s, finished_at = finished_at + $shift_s;
  UPDATE job_attempts SET created_at = created_at + $shift_s;"
sqlite3 "$db" "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 14 * 288 - 1)
  INSERT INTO queue_samples(sampled_at, queue, pending, due)
  SELECT $wall - 14 * 86400 + i * 300, q.name, (i * 7 + length(q.name)) % 500, (i * 3) % 50 FROM c,
    (SELECT 'failed_emails' AS name UNION ALL SELECT 'delivery_log' UNION ALL SELECT 'notification_outbox') AS q;"
total=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM job_runs) || ' job_runs (' ||
  (SELECT count(*) FROM job_runs WHERE started_at >= $wall - 14 * 86400) || ' in the charts'' 14 days), ' || (SELECT count(*) FROM job_attempts) || ' job_attempts, ' ||
  (SELECT count(*) FROM delivery_log) || ' delivery_log, ' || (SELECT count(*) FROM failed_emails) || ' failed_emails'")
say "database: $db ($(du -m "$db" | cut -f1) MB): $total"
token=bench-token-0123456789abcdef
printf '[general]\ndatabase = %s\nlog_file = %s/mailjobs.log\n[api]\ntoken = %s\n' "$db" "$work" "$token" >"$work/jobs.ini"

# ms of one run of "$@", from a clock read before and after
ms_of() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cgi() {  # cgi PATH: one CGI request with the bearer token, as lighttpd would start it
  env -i PATH=/usr/bin:/bin GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO="$1" QUERY_STRING= \
    SCRIPT_NAME=/cgi-bin/mailjobs.cgi HTTP_AUTHORIZATION="Bearer $token" MAILJOBS_CONFIG="$work/jobs.ini" "$MJ"
}
check_200() { cgi "$1" | head -1 | grep -q '^Status: 200' || { echo "bench: error: $1 did not answer 200: $(cgi "$1" | head -3)" >&2; exit 1; }; }
measure() {  # measure LABEL CMD...: median ms of REPEAT runs (after one warm-up run)
  local label=$1; shift
  "$@" >/dev/null
  local m; m=$(for _ in $(seq "$REPEAT"); do ms_of "$@"; done | median)
  echo "$label $m"
}

ref=$(measure ref "$MJ" status --json --config "$work/jobs.ini" | cut -d' ' -f2)
api=$(measure api cgi /status | cut -d' ' -f2)
printf '%-44s %8s %10s\n' "request" "ms" "vs status"
printf '%-44s %8d %10s\n' "mailjobs status --json (reference)" "$ref" "1.00"
printf '%-44s %8d %10.2f\n' "GET /status (JSON API)" "$api" "$(awk -v a="$api" -v r="$ref" 'BEGIN{print (r ? a / r : 0)}')"
worst=0
for p in / /runs /charts /accounts /jobs/webhook-retry /jobs/message-log-cleanup; do
  check_200 "$p"
  m=$(measure page cgi "$p" | cut -d' ' -f2)
  [ "$m" -gt "$worst" ] && worst=$m
  printf '%-44s %8d %10.2f\n' "GET $p (dashboard)" "$m" "$(awk -v a="$m" -v r="$ref" 'BEGIN{print (r ? a / r : 0)}')"
done
echo "slowest dashboard page: $worst ms (median of $REPEAT) on $ROWS generated rows; target <= 100 ms"
