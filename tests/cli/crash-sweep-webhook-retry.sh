# Crash sweep of webhook-retry against the real HTTP test server (tests/cli/helpers/crash_sweep.sh):
# CRASH_KILLS (10 here, 200 under `make torture`) kill -9 at every k-th POST, random times and
# early in the run, the receiver taking 50 ms per request so kills land mid-batch. Every delivery
# is posted at least once, every duplicate is the POST a kill caught in flight (same
# X-Mailjobs-Delivery id, so a receiver can drop it), none is left pending.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/http_helpers.sh"
. "$HERE/helpers/crash_sweep.sh"
# claim TTL = [http] timeout + 60 s = 63 s: each run's clock is 100 s later
printf '[http]\nallow_private_addresses = true\ntimeout = 3s\nconnect_timeout = 2s\n[job.webhook-retry]\nbatch_size = 3\n' >> jobs.ini
start_http_server
http_rules '{"/hook": {"delay": 0.05}}'
init_db
add_users 1
n=$((CRASH_KILLS * 8))
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, '$HTTP_URL/hook', 'k');
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n)
     INSERT INTO delivery_log(user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
     SELECT 1, 1, '$HTTP_URL/hook', 'h', '{\"n\":' || i || '}', 'pending', $NOW, $NOW FROM c;"
SWEEP_JOB=webhook-retry SWEEP_BATCH=3 SWEEP_STEP=100 SWEEP_INSIDE=0.02
sweep_count() { wc -l < "$HTTP_LOG" | tr -d ' '; }
sweep_keys() { http_py "'\n'.join(r['headers']['x-mailjobs-delivery'] for r in reqs)" | grep -v '^$' || true; }
sweep_expected() { sql "SELECT uuid FROM delivery_log"; }
sweep_left_sql="SELECT count(*) FROM delivery_log WHERE status <> 'delivered'"
crash_sweep
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE status = 'delivered' AND attempts = 1 AND claimed_by IS NULL")" $n "delivered rows"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE job = 'webhook-retry' AND status_code = 200")" $n "attempts recorded"
# the signature of every copy verifies: a duplicate is the same delivery, signed afresh
assert_eq "$(http_py "len([r for r in reqs if r['path'] != '/hook'])")" 0 "requests elsewhere"
