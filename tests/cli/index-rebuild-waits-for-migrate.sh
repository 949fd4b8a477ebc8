# The partial due indexes (core/index_steps.h) on an upgraded database with a big delivery_log: no
# cron run rebuilds them (the build holds the write lock while it reads the whole table); `doctor`
# names what is pending, `mailjobs migrate` rebuilds it and says so, the rows and the queue are the
# same after; on a small table any command does it (issue 18).
. "$(dirname "$0")/lib.sh"
init_db
rows=30000
sql "DROP INDEX delivery_log_due; CREATE INDEX delivery_log_due ON delivery_log(status, next_retry_at);
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $rows)
     INSERT INTO delivery_log(webhook_url, payload_hash, payload, status, next_retry_at, created_at)
     SELECT 'http://127.0.0.1:9/', 'h', '{}', CASE WHEN i % 100 = 0 THEN 'pending' ELSE 'delivered' END,
            CASE WHEN i % 100 = 0 THEN $NOW + 86400 ELSE NULL END, $NOW - i FROM c"
# index_def NAME: the index's CREATE statement (sqlite_master is SQLite's; PostgreSQL's pg_indexes
# writes it with a schema, USING btree, ::text casts and parentheses, left out here)
index_def() {
  if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then
    sql "SELECT indexdef FROM pg_indexes WHERE indexname = '$1'" | sed -e 's/::text//g' -e 's/[()]//g'
  else
    sql "SELECT sql FROM sqlite_master WHERE name = '$1'"
  fi
}
full=$(index_def delivery_log_due)

expect_exit 0 mj tick --now $NOW
assert_eq "$(index_def delivery_log_due)" "$full" "a tick leaves the big table's index as it was"
expect_exit 0 mj status --json
assert_eq "$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["queues"]["delivery_log"]["pending"])' <<<"$OUT")" 300 \
  "queue depth with the old index"
expect_exit 1 mj doctor --json
assert_eq "$(/usr/bin/python3 -c '
import json,sys
c = {c["name"]: c for c in json.load(sys.stdin)["checks"]}["database.indexes"]
print(c["status"], "delivery_log_due (~'$rows' rows)" in c["detail"], "mailjobs migrate" in c["fix"])' <<<"$OUT")" "warn True True" \
  "doctor names the pending rebuild and its fix"

expect_exit 0 mj migrate
assert_contains "$OUT" "index delivery_log_due rebuilt over ~$rows rows" "migrate rebuilds it and says so"
assert_contains "$(index_def delivery_log_due)" \
  "WHERE status = 'pending' OR status = 'failed' OR status = 'delivering'" "partial now"
assert_eq "$(sql "SELECT count(*) FROM delivery_log")" "$rows" "no row changed"
expect_exit 0 mj status --json
assert_eq "$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["queues"]["delivery_log"]["pending"])' <<<"$OUT")" 300 \
  "the same queue depth through the partial index"
explain="EXPLAIN QUERY PLAN"  # PostgreSQL's plan is EXPLAIN's
[ "${MJ_TEST_BACKEND:-sqlite}" != postgresql ] || explain=EXPLAIN
assert_eq "$(sql "$explain SELECT id FROM delivery_log WHERE status = 'pending' AND next_retry_at <= 1 ORDER BY next_retry_at, id" | grep -c delivery_log_due)" 1 \
  "the claim's query uses it"
expect_exit 0 mj migrate
assert_eq "$(grep -c rebuilt <<<"$OUT")" 0 "done once"

# A small table: the next command rebuilds it by itself.
sql "DELETE FROM delivery_log WHERE id > 100; DROP INDEX failed_emails_due; CREATE INDEX failed_emails_due ON failed_emails(status, next_attempt_at)"
expect_exit 0 mj tick --now $NOW
assert_contains "$(index_def failed_emails_due)" "WHERE status = 'pending' OR status = 'sending'" \
  "rebuilt by a tick on an empty table"
