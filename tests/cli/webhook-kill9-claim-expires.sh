# kill -9 while a POST is in flight: the dead run's lease is taken over at once (its pid is gone),
# but its claim on the delivery holds until claim_expires_at ([http] timeout + 60 s), so the next
# run does not post the row again meanwhile; after the claim expires the row is posted once more
# (at-least-once, with the same X-Mailjobs-Delivery id) and delivered. Nothing is lost.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
printf '[http]\n; the test receiver is on 127.0.0.1\nallow_private_addresses = true\n' >> jobs.ini
start_http_server
http_rules '{"/hook": {"delay": 30}}'
init_db
add_users 1
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, 'x', 'k');
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at) VALUES
       (1, 1, 1, '$HTTP_URL/hook', 'h', '{\"n\":1}', 'pending', $NOW, $NOW),
       (2, 1, 1, '$HTTP_URL/other', 'h', '{\"n\":2}', 'pending', $NOW + 30, $NOW);"
"$MJ" run webhook-retry --now $NOW >/dev/null 2>&1 &
victim=$!
for _ in $(seq 100); do [ "$(http_count /hook)" -ge 1 ] && break; sleep 0.05; done
assert_eq "$(http_count /hook)" 1 "POST in flight"
kill -9 $victim
wait $victim 2>/dev/null || true
assert_eq "$(sql "SELECT status, claimed_by IS NOT NULL, claim_expires_at - $NOW FROM delivery_log WHERE id = 1")" "delivering|1|75" "claimed for timeout + 60 s"
http_rules '{}'

# 30 s later (job clock): the lease of the dead run is free, the claim is not
expect_exit 0 mj run webhook-retry --now $((NOW + 30))
assert_eq "$(http_count /hook)" 1 "not posted again while the claim holds"
assert_eq "$(http_count /other)" 1 "the run still worked the rest of the queue"
assert_eq "$(sql "SELECT status FROM delivery_log WHERE id = 1")" delivering "still claimed"

# after the claim expired: posted once more and delivered
expect_exit 0 mj run webhook-retry --now $((NOW + 76))
assert_eq "$(http_count /hook)" 2 "posted again after the claim expired"
assert_eq "$(http_py "len(set(r['headers']['x-mailjobs-delivery'] for r in reqs if r['path'] == '/hook'))")" 1 "same delivery id"
assert_eq "$(sql "SELECT status, attempts FROM delivery_log WHERE id = 1")" "delivered|1" "delivered (the killed attempt was never recorded)"
expect_exit 0 mj run webhook-retry --now $((NOW + 200))
assert_eq "$(http_count /hook)" 2 "nothing more"
