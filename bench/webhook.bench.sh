#!/usr/bin/env bash
# Webhook benchmark (issue 5, part B): webhook-retry posting BENCH_WEBHOOKS (default 2000) queued
# deliveries to the recording HTTP server on 127.0.0.1 (tests/servers/http_server.py, answering
# 200 at once). Prints deliveries per second, the longest write transaction of the run, and the
# peak RSS. Each delivery is claimed, posted and recorded on its own (two short transactions), so
# these figures are the per-delivery overhead; a real receiver's latency adds to each POST.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
N=${BENCH_WEBHOOKS:-2000}
NOW=1795000000
work=$(mktemp -d /tmp/mj-bench-webhook.XXXXXX)
trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work" && mkdir var
/usr/bin/python3 "$here/../tests/servers/http_server.py" --port-file port --log http.jsonl &
srv=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
url=http://127.0.0.1:$(cat port)/hook
printf '[general]\ndatabase = var/m.db\nlog_file = var/m.log\n[http]\nallow_private_addresses = true\n[job.webhook-retry]\nbatch_size = 500\n' > jobs.ini
"$MJ" migrate >/dev/null
sqlite3 var/m.db "INSERT INTO users(id, email) VALUES (1, 'u@example.com');
  INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, '$url', 'k');
  WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $N)
  INSERT INTO delivery_log(user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
  SELECT 1, 1, '$url', 'h', '{\"event\":\"forwarded\",\"n\":' || i || ',\"pad\":\"' || hex(randomblob(200)) || '\"}', 'pending', $NOW, $NOW FROM c;"
/usr/bin/time -f '%M' -o rss "$MJ" run webhook-retry --now $NOW --max-runtime 10m >/dev/null 2>&1
read -r ms txn delivered < <(sqlite3 -separator ' ' var/m.db "SELECT duration_ms, max_txn_ms, json_extract(counts, '\$.delivered') FROM job_runs ORDER BY id DESC LIMIT 1")
received=$(wc -l < http.jsonl)
printf 'webhook-retry: %d deliveries in %d ms = %.0f/s; posts received %d; longest write transaction %d ms; peak RSS %d KiB\n' \
  "$delivered" "$ms" "$(echo "$delivered * 1000 / $ms" | bc -l)" "$received" "$txn" "$(cat rss)"
