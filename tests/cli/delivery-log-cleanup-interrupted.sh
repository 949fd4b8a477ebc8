# delivery-log-cleanup on a big table: SIGTERM stops it between batches (recorded, exit 130) and
# the next run resumes; kill -9 loses nothing (the open batch rolls back); a rerun deletes 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/helpers/interrupt.sh"
init_db
add_users 3
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 200000)
     INSERT INTO delivery_log(uuid, user_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
     SELECT lower(printf('%08x', $NOW - 200*86400 + i) || hex(randomblob(12))), 1 + i % 3, 'https://hooks.example/in',
            hex(randomblob(8)), '{\"event\":\"message.delivered\",\"n\":' || i || '}',
            CASE WHEN i % 1000 = 0 THEN 'failed' ELSE 'delivered' END, CASE WHEN i % 1000 = 0 THEN $NOW END,
            $NOW - 200*86400 + i FROM c"
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 500)
     INSERT INTO delivery_log(user_id, webhook_url, payload_hash, payload, status, created_at)
     SELECT 1, 'https://hooks.example/in', 'h', '{}', 'delivered', $NOW - i FROM c"
interrupt_and_resume delivery-log-cleanup \
  "SELECT count(*) FROM delivery_log WHERE created_at < $NOW - 90*86400 AND status = 'delivered'" \
  "SELECT count(*) || ':' || total(id) FROM delivery_log WHERE status = 'failed' OR created_at >= $NOW - 90*86400" \
  --now $NOW --set job.delivery-log-cleanup.batch_size=20
assert_eq "$(sql "SELECT count(*) FROM delivery_log")" 700 "kept: 200 failed (retry scheduled) + 500 recent"
