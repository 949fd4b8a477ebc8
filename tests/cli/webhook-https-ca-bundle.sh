# HTTPS deliveries verify the receiver's certificate against [general] ca_bundle: with the bundle
# that signed it the POST is delivered; with another bundle it is refused before any request is
# sent, recorded as a transient TLS error, and the delivery is kept for its retry.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
printf '[http]\n; the test receiver is on 127.0.0.1\nallow_private_addresses = true\n' >> jobs.ini
make_cert receiver
make_cert stranger
start_http_server --tls-cert "$WORK/receiver.pem" --tls-key "$WORK/receiver.key"
init_db
add_users 1
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, 'x', 'k');
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at) VALUES
       (1, 1, 1, 'https://127.0.0.1:$HTTP_PORT/hook', 'h', '{\"n\":1}', 'pending', $NOW, $NOW);"

expect_exit 0 env MAILJOBS_GENERAL_CA_BUNDLE="$WORK/stranger.pem" "$MJ" run webhook-retry --now $NOW
assert_eq "$(http_count)" 0 "no request over an unverified connection"
assert_eq "$(sql "SELECT status, attempts, next_retry_at - $NOW BETWEEN 60 AND 63 FROM delivery_log")" "failed|1|1" "transient, retried in 1m"
assert_contains "$(sql "SELECT last_error FROM delivery_log")" "certificate" "TLS error recorded"
assert_contains "$(sql "SELECT error FROM job_attempts")" "certificate" "TLS error in the attempt"

expect_exit 0 env MAILJOBS_GENERAL_CA_BUNDLE="$WORK/receiver.pem" "$MJ" run webhook-retry --now $((NOW + 60))
assert_eq "$(http_count /hook)" 1 "delivered over HTTPS"
assert_eq "$(sql "SELECT status, attempts, last_status_code FROM delivery_log")" "delivered|2|200" "row"
