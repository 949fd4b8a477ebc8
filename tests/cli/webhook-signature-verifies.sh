# webhook-retry POSTs the payload with an HMAC-SHA256 signature over "<timestamp>.<body>" under
# the webhook's secret; the receiver's own computation matches, a wrong secret does not; the
# delivery id header is the row's uuid; dry-run posts nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
printf '[http]\n; the test receiver is on 127.0.0.1\nallow_private_addresses = true\n' >> jobs.ini
start_http_server
init_db
add_users 1
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, '$HTTP_URL/hook', 'whsec_Zm9vYmFy');
     INSERT INTO delivery_log(user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
     VALUES (1, 1, '$HTTP_URL/hook', 'h1', '{\"event\":\"forwarded\",\"to\":\"ü@example.com\",\"n\":1}', 'pending', $NOW, $NOW);"

expect_exit 0 mj run webhook-retry --dry-run --now $NOW --json
assert_eq "$(http_count)" 0 "requests after dry-run"
assert_eq "$(sql "SELECT status FROM delivery_log")" pending "status after dry-run"
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[0]['counts']['would_post'])" <<<"$OUT")" 1 "dry-run would_post"

start=$(date +%s)
expect_exit 0 mj run webhook-retry --now $NOW
assert_eq "$(http_count /hook)" 1 "one POST"
r='reqs[0]'
assert_eq "$(http_py "$r['method']")" POST "method"
assert_eq "$(http_py "$r['headers']['content-type']")" application/json "content type"
assert_eq "$(http_py "$r['body'] == '{\"event\":\"forwarded\",\"to\":\"ü@example.com\",\"n\":1}'")" True "body is the payload, byte for byte"
# the receiver's check, exactly as README tells receivers to do it
sig_ok=$(http_py "hmac.compare_digest($r['headers']['x-mailjobs-signature'], 'sha256=' + hmac.new(b'whsec_Zm9vYmFy', ($r['headers']['x-mailjobs-timestamp'] + '.' + $r['body']).encode(), hashlib.sha256).hexdigest())")
assert_eq "$sig_ok" True "signature verifies with the secret"
sig_bad=$(http_py "hmac.compare_digest($r['headers']['x-mailjobs-signature'], 'sha256=' + hmac.new(b'wrong', ($r['headers']['x-mailjobs-timestamp'] + '.' + $r['body']).encode(), hashlib.sha256).hexdigest())")
assert_eq "$sig_bad" False "signature does not verify with another secret"
# the same check with openssl, for receivers in other languages
ts=$(http_py "$r['headers']['x-mailjobs-timestamp']")
body=$(http_py "$r['body']")
want=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac whsec_Zm9vYmFy | sed 's/.*= //')
assert_eq "$(http_py "$r['headers']['x-mailjobs-signature']")" "sha256=$want" "openssl HMAC"
# the timestamp is the real send time (receivers reject old ones), not the --now clock
assert_ge "$ts" "$start" "timestamp"
assert_le "$ts" "$(( $(date +%s) + 1 ))" "timestamp"
assert_eq "$(http_py "$r['headers']['x-mailjobs-delivery']")" "$(sql "SELECT uuid FROM delivery_log")" "delivery id header"
assert_eq "$(http_py "$r['headers']['x-mailjobs-attempt']")" 1 "attempt header"
assert_eq "$(sql "SELECT status, attempts, last_status_code, delivered_at, next_retry_at IS NULL, claimed_by IS NULL FROM delivery_log")" \
  "delivered|1|200|$NOW|1|1" "row after delivery"
assert_eq "$(sql "SELECT attempt, status_code, ifnull(error, '-'), will_retry, next_retry_at IS NULL FROM job_attempts")" "1|200|-|0|1" "attempt row"
# rerun: nothing more to send (BJ-27)
expect_exit 0 mj run webhook-retry --now $((NOW + 86400))
assert_eq "$(http_count)" 1 "no second POST"
