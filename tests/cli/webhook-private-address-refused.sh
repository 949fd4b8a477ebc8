# By default a user's webhook may not reach loopback, private or link-local addresses (the hosting
# machine, its network, cloud metadata): such a delivery fails permanently with a clear error and
# nothing is sent, also when a host name resolves there. [http] allow_private_addresses = true
# lets them through.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
start_http_server
init_db
add_users 1
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, 'x', 'k');
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at) VALUES
       (1, 1, 1, '$HTTP_URL/hook', 'h', '{\"n\":1}', 'pending', $NOW, $NOW),
       (2, 1, 1, 'http://localhost:$HTTP_PORT/hook', 'h', '{\"n\":2}', 'pending', $NOW, $NOW),
       (3, 1, 1, 'http://169.254.169.254/latest/meta-data/', 'h', '{\"n\":3}', 'pending', $NOW, $NOW),
       (4, 1, 1, 'http://[::1]:$HTTP_PORT/hook', 'h', '{\"n\":4}', 'pending', $NOW, $NOW),
       (5, 1, 1, 'http://10.1.2.3/hook', 'h', '{\"n\":5}', 'pending', $NOW, $NOW);"
expect_exit 0 mj run webhook-retry --now $NOW
assert_eq "$(http_count)" 0 "nothing reached the local server"
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE status = 'permanently_failed' AND next_retry_at IS NULL")" 5 "all permanently failed"
assert_eq "$(sql "SELECT last_error FROM delivery_log WHERE id = 1")" \
  "address 127.0.0.1 is not a public address; not posted ([http] allow_private_addresses)" "loopback error"
assert_contains "$(sql "SELECT last_error FROM delivery_log WHERE id = 2")" "is not a public address" "localhost resolves to loopback"
assert_contains "$(sql "SELECT last_error FROM delivery_log WHERE id = 3")" "address 169.254.169.254 is not a public address" "metadata"
assert_contains "$(sql "SELECT last_error FROM delivery_log WHERE id = 4")" "address ::1 is not a public address" "IPv6 loopback"
assert_contains "$(sql "SELECT last_error FROM delivery_log WHERE id = 5")" "address 10.1.2.3 is not a public address" "private"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE will_retry = 0 AND error LIKE '%not a public address%'")" 5 "attempts recorded"

# the operator allows it (receivers on the same host): delivered
sql "UPDATE delivery_log SET status = 'pending', next_retry_at = $NOW, attempts = 0 WHERE id = 1"
expect_exit 0 env MAILJOBS_HTTP_ALLOW_PRIVATE_ADDRESSES=true "$MJ" run webhook-retry --now $NOW
assert_eq "$(http_count /hook)" 1 "posted when allowed"
assert_eq "$(sql "SELECT status FROM delivery_log WHERE id = 1")" delivered "delivered when allowed"
