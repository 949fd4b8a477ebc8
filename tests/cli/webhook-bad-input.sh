# Bad webhook input never loses a delivery: a URL that is not http(s) fails permanently at once
# with a clear error (in the attempt, the row and the run's history line) and nothing is sent; an
# unreachable receiver, a TLS failure (https to a plain HTTP server) and a receiver that hangs are
# transient; 4xx and redirects are permanent; a deleted or disabled webhook ends its rows without a
# POST; a bad retry_schedule is a configuration error (exit 2) and changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
start_http_server
http_rules '{"/gone": {"status": 410, "body": "no such hook"}, "/limit": {"status": 429}, "/moved": {"status": 302, "location": "http://example.invalid/x"}, "/slow": {"delay": 5}}'
cat >> jobs.ini <<'INI'
[http]
timeout = 1s
allow_private_addresses = true
INI
dead=$(free_port)
init_db
add_users 1
sql "INSERT INTO webhooks(id, user_id, url, secret, active) VALUES (1, 1, 'x', 'k', 1), (2, 1, 'x', 'k', 0);
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at) VALUES
       (1, 1, 1, 'ftp://files.example.com/hook', 'h', '{\"n\":1}', 'pending', $NOW, $NOW),
       (2, 1, 1, 'http://127.0.0.1:$dead/hook', 'h', '{\"n\":2}', 'pending', $NOW, $NOW),
       (3, 1, 1, 'https://127.0.0.1:$HTTP_PORT/tls', 'h', '{\"n\":3}', 'pending', $NOW, $NOW),
       (4, 1, 1, '$HTTP_URL/gone', 'h', '{\"n\":4}', 'pending', $NOW, $NOW),
       (5, 1, 1, '$HTTP_URL/limit', 'h', '{\"n\":5}', 'pending', $NOW, $NOW),
       (6, 1, 1, '$HTTP_URL/moved', 'h', '{\"n\":6}', 'pending', $NOW, $NOW),
       (7, 1, 2, '$HTTP_URL/off', 'h', '{\"n\":7}', 'pending', $NOW, $NOW),
       (8, 1, NULL, '$HTTP_URL/deleted', 'h', '{\"n\":8}', 'pending', $NOW, $NOW),
       (9, 1, 1, '$HTTP_URL/slow', 'h', '{\"n\":9}', 'pending', $NOW, $NOW);"
# (the hanging receiver comes last: after a receiver times out, its other rows wait for the next run)
payloads_before=$(sql "SELECT group_concat(payload, '') FROM delivery_log")

# a bad retry_schedule: refused at configuration time with a clear message, nothing is claimed or sent
expect_exit 2 env MAILJOBS_JOB_WEBHOOK_RETRY_RETRY_SCHEDULE='1m, 5x' "$MJ" run webhook-retry --now $NOW
assert_contains "$ERR" "env MAILJOBS_JOB_WEBHOOK_RETRY_RETRY_SCHEDULE: bad duration '5x'" "stderr"
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE status = 'pending' AND attempts = 0")" 9 "nothing touched"
assert_eq "$(http_count)" 0 "nothing sent"

expect_exit 0 mj run webhook-retry --now $NOW
# status|attempts|code|retry: the retry is due 60 s after the attempt (a second or two of the run may have passed)
row() { sql "SELECT status || '|' || attempts || '|' || ifnull(last_status_code, '-') || '|' ||
             CASE WHEN next_retry_at IS NULL THEN '-' WHEN next_retry_at - $NOW BETWEEN 60 AND 63 THEN '60' ELSE CAST(next_retry_at - $NOW AS TEXT) END
             FROM delivery_log WHERE id = $1"; }
err() { sql "SELECT last_error FROM delivery_log WHERE id = $1"; }
assert_eq "$(row 1)" "permanently_failed|1|-|-" "ftp URL"
assert_eq "$(err 1)" "URL 'ftp://files.example.com/hook' is not http:// or https://" "ftp URL error"
assert_eq "$(sql "SELECT error || '|' || will_retry FROM job_attempts WHERE item_id = 1")" "URL 'ftp://files.example.com/hook' is not http:// or https://|0" "ftp attempt"
assert_eq "$(row 2)" "failed|1|-|60" "unreachable: transient"
assert_contains "$(err 2)" "Couldn't connect to server" "unreachable error"
assert_eq "$(row 3)" "failed|1|-|60" "TLS failure: transient"
assert_contains "$(err 3)" "SSL" "TLS error"
assert_eq "$(row 4)" "permanently_failed|1|410|-" "410"
assert_eq "$(err 4)" "HTTP 410: no such hook" "410 error"
assert_eq "$(row 5)" "failed|1|429|60" "429: transient"
assert_eq "$(row 6)" "permanently_failed|1|302|-" "redirect"
assert_eq "$(err 6)" "HTTP 302: redirect to http://example.invalid/x not followed (configure the final URL)" "redirect error"
assert_eq "$(row 9)" "failed|1|-|60" "hanging receiver: transient"
assert_eq "$(err 9)" "timed out after 1000 ms" "timeout error"
assert_eq "$(row 7)" "permanently_failed|0|-|-" "disabled webhook"
assert_eq "$(err 7)" "webhook is disabled (webhooks.active = 0); not retried" "disabled error"
assert_eq "$(row 8)" "permanently_failed|0|-|-" "deleted webhook"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE item_id IN (7, 8)")" 0 "no attempt without a POST"
# what reached the server: /gone, /limit, /moved, /slow (and the TLS handshake bytes, not a request)
assert_eq "$(http_py "sorted(r['path'] for r in reqs)")" '["/gone", "/limit", "/moved", "/slow"]' "requests"
# nothing lost: every row and payload is still there
assert_eq "$(sql "SELECT group_concat(payload, '') FROM delivery_log")" "$payloads_before" "payloads kept"
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE claimed_by IS NOT NULL")" 0 "no claim left behind"
# the run's history line names the final failures
expect_exit 0 mj history webhook-retry
assert_contains "$OUT" "5 permanently failed; last: delivery 8" "history line"
assert_contains "$OUT" "permanently_failed=5" "history counts"
assert_contains "$OUT" "retry_scheduled=4" "history counts"
