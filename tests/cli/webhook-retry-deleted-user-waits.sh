# Access revocation at soft-delete (BJ-18, issue 14): webhook-retry calls no webhook of a user
# whose account is soft-deleted (status 'deleted' with deleted_at, or deleted_at alone) or
# suspended: a pending and a failed (retry due) delivery wait unclaimed, unattempted, attempts
# unchanged, counted as waiting_user_inactive (dry-run the same). After the undo the next run
# posts each once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
printf '[http]\n; the test receiver is on 127.0.0.1\nallow_private_addresses = true\n' >> jobs.ini
start_http_server
init_db
add_users 4
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 3600 WHERE id = 2;
     UPDATE users SET status = 'suspended' WHERE id = 3;
     UPDATE users SET deleted_at = $NOW - 60 WHERE id = 4;
     INSERT INTO webhooks(id, user_id, url, secret) VALUES
       (1, 1, '$HTTP_URL/u1', 'k'), (2, 2, '$HTTP_URL/u2', 'k'), (3, 3, '$HTTP_URL/u3', 'k'), (4, 4, '$HTTP_URL/u4', 'k');
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, attempts, next_retry_at, created_at) VALUES
       (1, 1, 1, '$HTTP_URL/u1', 'h', '{\"n\":1}', 'pending', 0, $NOW, $NOW),
       (2, 2, 2, '$HTTP_URL/u2', 'h', '{\"n\":2}', 'pending', 0, $NOW, $NOW),
       (3, 2, 2, '$HTTP_URL/u2', 'h', '{\"n\":3}', 'failed', 2, $NOW - 5, $NOW - 600),
       (4, 3, 3, '$HTTP_URL/u3', 'h', '{\"n\":4}', 'pending', 0, $NOW, $NOW),
       (5, 4, 4, '$HTTP_URL/u4', 'h', '{\"n\":5}', 'failed', 1, $NOW - 5, $NOW - 600);"

expect_exit 0 mj run webhook-retry --dry-run --now $NOW
assert_eq "$(sql "SELECT counts FROM job_runs WHERE dry_run = 1")" '{"waiting_user_inactive":4,"would_post":1}' "dry-run counts"

expect_exit 0 mj run webhook-retry --now $NOW
assert_eq "$(http_count /)" 1 "only the active user's webhook is called"
assert_eq "$(http_count /u1)" 1 "the active user's delivery"
assert_eq "$(sql "SELECT group_concat(id || ':' || status || ':' || attempts || ':' || ifnull(claimed_by, '-'), ' ') FROM delivery_log WHERE id > 1")" \
  "2:pending:0:- 3:failed:2:- 4:pending:0:- 5:failed:1:-" "inactive users' deliveries wait"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE item_id > 1")" 0 "no attempts"
assert_eq "$(sql "SELECT counts FROM job_runs WHERE job = 'webhook-retry' AND dry_run = 0 ORDER BY id DESC LIMIT 1")" \
  '{"delivered":1,"posted":1,"waiting_user_inactive":4}' "history counts what waited"

# a day later, still inactive: nothing posted, nothing given up
expect_exit 0 mj run webhook-retry --now $((NOW + 86400))
assert_eq "$(http_count /)" 1 "nothing posted for them a day later"
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE status = 'permanently_failed'")" 0 "nothing failed"

# undo
sql "UPDATE users SET status = 'active', deleted_at = NULL WHERE id IN (2, 3, 4)"
expect_exit 0 mj run webhook-retry --now $((NOW + 86400 + 60))
assert_eq "$(http_count /)" 5 "after the undo each waiting delivery is posted"
assert_eq "$(http_py "sorted(r['path'] for r in reqs)")" '["/u1", "/u2", "/u2", "/u3", "/u4"]' "each once"
assert_eq "$(sql "SELECT group_concat(id || ':' || status || ':' || attempts, ' ') FROM delivery_log")" \
  "1:delivered:1 2:delivered:1 3:delivered:3 4:delivered:1 5:delivered:2" "delivered, attempts counted once"
expect_exit 0 mj run webhook-retry --now $((NOW + 86400 + 120))
assert_eq "$(http_count /)" 5 "rerun posts nothing"
