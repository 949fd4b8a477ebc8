# A receiver that accepts connections but never answers costs one timeout per run, not one per
# queued delivery: after its first attempt times out, its other due rows are deferred by the
# first wait of the schedule without an attempt (their attempts stay unspent), and the other
# receivers' deliveries go out in the same run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
printf '[http]\n; the test receivers are on 127.0.0.1\nallow_private_addresses = true\ntimeout = 1s\n' >> jobs.ini
start_http_server
# a tarpit: the kernel completes the handshake (listen backlog), nobody ever reads or answers
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1])); __import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)' "$WORK/tarpit.port" &
for _ in $(seq 100); do [ -s "$WORK/tarpit.port" ] && break; sleep 0.05; done
tarpit=http://127.0.0.1:$(cat "$WORK/tarpit.port")
init_db
add_users 1
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, 'x', 'k');
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 8)
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
     SELECT i, 1, 1, CASE WHEN i <= 5 THEN '$tarpit/hook' ELSE '$HTTP_URL/hook' END, 'h', '{}', 'pending', $NOW, $NOW FROM c;"

expect_exit 0 mj run webhook-retry --now $NOW --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; c=json.load(sys.stdin)[0]['counts']; print(c.get('deferred'), c.get('delivered'), c.get('retry_scheduled'))" <<<"$OUT")" \
  "4 3 1" "counts: deferred, delivered, retried"
assert_le "$(sql "SELECT duration_ms FROM job_runs ORDER BY id DESC LIMIT 1")" 4000 "one timeout, not five (ms)"
assert_eq "$(sql "SELECT status, attempts FROM delivery_log WHERE id = 1")" "failed|1" "the attempt that timed out"
assert_eq "$(sql "SELECT error FROM job_attempts WHERE item_id = 1")" "timed out after 1000 ms" "its error"
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE id BETWEEN 2 AND 5 AND status = 'pending' AND attempts = 0 AND next_retry_at - $NOW BETWEEN 60 AND 63")" 4 "deferred 1m, unattempted"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE item_id BETWEEN 2 AND 5")" 0 "no attempt rows for deferred rows"
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE id > 5 AND status = 'delivered'")" 3 "other receiver served"
assert_eq "$(http_count /hook)" 3 "posts to the other receiver"
