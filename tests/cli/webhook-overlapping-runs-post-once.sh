# Overlapping webhook-retry runs (4 processes, each with a short budget, run again until the queue
# is empty) never POST a delivery twice, and every delivery is delivered. A row the application
# itself has claimed is left alone while its claim lasts; an abandoned claim is taken over.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
# A POST starts only while [http] timeout fits in the budget: 1 s timeout, 2 s budget per run.
printf '[http]\n; the test receiver is on 127.0.0.1\nallow_private_addresses = true\ntimeout = 1s\n' >> jobs.ini
start_http_server
http_rules '{"/hook": {"delay": 0.03}}'
init_db
add_users 1
N=60
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, '$HTTP_URL/hook', 'k');
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $N)
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
     SELECT i, 1, 1, '$HTTP_URL/hook', 'h', '{\"n\":' || i || '}', 'pending', $NOW, $NOW FROM c;
     -- the application is posting row 61 itself right now (claim until NOW+600)
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, claimed_by, claim_expires_at, attempts, created_at)
     VALUES (61, 1, 1, '$HTTP_URL/hook', 'h', '{\"n\":61}', 'delivering', 'app:web-1', $NOW + 600, 0, $NOW);
     -- an application process died while posting row 62 (claim expired at NOW-1)
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, claimed_by, claim_expires_at, attempts, created_at)
     VALUES (62, 1, 1, '$HTTP_URL/hook', 'h', '{\"n\":62}', 'delivering', 'app:web-2', $NOW - 1, 1, $NOW);"

left() { sqlite3 -batch -noheader -cmd ".timeout 5000" var/mailjobs.db "SELECT count(*) FROM delivery_log WHERE status <> 'delivered' AND id <> 61"; }
worker() {
  for _ in $(seq 300); do
    "$MJ" run webhook-retry --now $NOW --max-runtime 2s >/dev/null 2>&1 || true
    [ "$(left)" -eq 0 ] && return 0
    sleep 0.05
  done
}
worker & p1=$!; worker & p2=$!; worker & p3=$!; worker & p4=$!
wait $p1 $p2 $p3 $p4

assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE status = 'delivered'")" $((N + 1)) "delivered (all but the app's own)"
assert_eq "$(http_count /hook)" $((N + 1)) "POSTs: exactly one per delivered row"
assert_eq "$(http_py "len(set(r['headers']['x-mailjobs-delivery'] for r in reqs))")" $((N + 1)) "distinct deliveries posted"
assert_eq "$(sql "SELECT status, claimed_by FROM delivery_log WHERE id = 61")" "delivering|app:web-1" "the application's live claim is untouched"
assert_eq "$(sql "SELECT attempts FROM delivery_log WHERE id = 62")" 2 "abandoned claim taken over as attempt 2"
assert_eq "$(sql "SELECT count(*) FROM job_attempts")" $((N + 1)) "one attempt row per POST"
assert_eq "$(sql "SELECT count(DISTINCT item_id) FROM job_attempts")" $((N + 1)) "no row attempted twice"
# several runs shared the work (each stopped at its budget), and some were turned away by the lease
assert_ge "$(sql "SELECT count(*) FROM job_runs WHERE job = 'webhook-retry' AND changed > 0")" 2 "runs that posted"
