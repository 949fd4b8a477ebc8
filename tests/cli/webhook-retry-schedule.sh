# A failing receiver is retried 1m, 5m, 30m and 2h after each failed attempt, never before, then
# the delivery is permanently_failed; every attempt is recorded (attempt number, status code,
# error, duration, next retry time, will_retry) and shown by `history --attempts`. A receiver
# that recovers gets the delivery on the next due attempt.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
printf '[http]\n; the test receiver is on 127.0.0.1\nallow_private_addresses = true\n' >> jobs.ini
start_http_server
http_rules '{"/down": {"status": 503, "body": "busy, try later"}, "/flaky": {"sequence": [500, 200]}}'
init_db
add_users 1
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, '$HTTP_URL/down', 'k');
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at) VALUES
       (1, 1, 1, '$HTTP_URL/down', 'h', '{\"n\":1}', 'pending', $NOW, $NOW),
       (2, 1, 1, '$HTTP_URL/flaky', 'h', '{\"n\":2}', 'pending', $NOW, $NOW);"
run_at() { expect_exit 0 mj run webhook-retry --now "$1"; }

run_at $NOW
assert_eq "$(http_count /down)" 1 "first attempt"
assert_eq "$(sql "SELECT status, attempts, next_retry_at FROM delivery_log WHERE id = 1")" "failed|1|$((NOW + 60))" "after attempt 1"
assert_eq "$(sql "SELECT status, attempts, next_retry_at FROM delivery_log WHERE id = 2")" "failed|1|$((NOW + 60))" "flaky after attempt 1"
t=$NOW
for wait in 60 300 1800 7200; do
  before=$(http_count /down)
  run_at $((t + wait - 1))
  assert_eq "$(http_count /down)" "$before" "nothing sent 1s before the ${wait}s retry"
  t=$((t + wait))
  run_at $t
  assert_eq "$(http_count /down)" $((before + 1)) "retry after ${wait}s"
done
assert_eq "$(sql "SELECT status, attempts, next_retry_at IS NULL, last_status_code FROM delivery_log WHERE id = 1")" \
  "permanently_failed|5|1|503" "final state"
assert_contains "$(sql "SELECT last_error FROM delivery_log WHERE id = 1")" "gave up after 5 attempts: HTTP 503: busy, try later" "last error"
run_at $((t + 30 * 86400))
assert_eq "$(http_count /down)" 5 "nothing after permanently_failed"

# every attempt of delivery 1, in order
assert_eq "$(sql "SELECT group_concat(attempt || ':' || status_code || ':' || will_retry || ':' || ifnull(next_retry_at - created_at, '-'), ' ')
                  FROM (SELECT * FROM job_attempts WHERE item_table = 'delivery_log' AND item_id = 1 ORDER BY attempt) AS q0")" \
  "1:503:1:60 2:503:1:300 3:503:1:1800 4:503:1:7200 5:503:0:-" "attempts: number, code, will_retry, wait"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE item_id = 1 AND error = 'HTTP 503: busy, try later' AND duration_ms >= 0 AND run_id IS NOT NULL")" 5 "errors and durations"
assert_eq "$(http_py "[r['headers']['x-mailjobs-attempt'] for r in reqs if r['path'] == '/down']")" '["1", "2", "3", "4", "5"]' "attempt headers"
assert_eq "$(http_py "len(set(r['headers']['x-mailjobs-delivery'] for r in reqs if r['path'] == '/down'))")" 1 "one delivery id across retries"

# the flaky receiver answered 500 then 200: delivered on attempt 2, at NOW+60
assert_eq "$(sql "SELECT status, attempts, delivered_at, last_error IS NULL FROM delivery_log WHERE id = 2")" "delivered|2|$((NOW + 60))|1" "flaky delivered"
assert_eq "$(http_count /flaky)" 2 "flaky posts"

# visible in history: counts per run, and the attempts view
expect_exit 0 mj history webhook-retry --json --limit 100
assert_eq "$(/usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(sum(r['counts'].get('posted',0) for r in d), sum(r['counts'].get('permanently_failed',0) for r in d), sum(r['counts'].get('retry_scheduled',0) for r in d), sum(r['counts'].get('delivered',0) for r in d))" <<<"$OUT")" \
  "7 1 5 1" "history counts: posted, permanently_failed, retry_scheduled, delivered"
assert_contains "$(/usr/bin/python3 -c "import json,sys; print([r['error'] for r in json.load(sys.stdin) if r['counts'].get('permanently_failed')][0])" <<<"$OUT")" \
  "1 permanently failed; last: delivery 1" "history names the final failure"
expect_exit 0 mj history webhook-retry --attempts
assert_contains "$OUT" "delivery_log:1" "attempts view"
assert_contains "$OUT" "HTTP 503: busy, try later" "attempts view error"
assert_contains "$OUT" "no retry" "attempts view final"
expect_exit 0 mj history webhook-retry --attempts --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); a=[x for x in d if x['item_id']==1][0]; print(a['attempt'], a['status_code'], a['will_retry'], a['next_retry_at'])" <<<"$OUT")" \
  "5 503 False None" "newest attempt first in --json"
