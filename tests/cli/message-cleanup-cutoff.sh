# message-cleanup (seed 002) deletes chat messages whose expires_at has passed; one expiring exactly
# now stays. `run message-cleanup --json` prints exactly the seed's result object
# {"success", "deleted_count", "timestamp"}; dry-run reports the same count and deletes nothing; a
# rerun deletes 0; --older-than only takes messages expired longer ago; daily at 02:00 by default.
. "$(dirname "$0")/lib.sh"
init_db
add_users 4
# msgs EXPIRES_AT N
msgs() {
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $2)
       INSERT INTO messages(user_id, conversation_id, role, content, created_at, expires_at)
       SELECT 1 + i % 4, i % 10, 'user', 'hello ' || i, $1 - 172800, $1 FROM c"
}
msgs $((NOW - 5*86400)) 300
msgs $((NOW - 1)) 42
msgs $NOW 5                    # expires exactly now: stays
msgs $((NOW + 3600)) 30
expect_exit 0 mj run message-cleanup --dry-run --now $NOW --json
assert_eq "$OUT" '{
  "deleted_count": 342,
  "dry_run": true,
  "success": true,
  "timestamp": "2026-11-18T11:06:40Z"
}' "dry-run result"
assert_eq "$(sql "SELECT count(*) FROM messages")" 377 "dry-run deletes nothing"

expect_exit 0 mj run message-cleanup --now $NOW --json --set job.message-cleanup.batch_size=25
assert_eq "$(/usr/bin/python3 -c "
import json, sys
r = json.load(sys.stdin)
assert sorted(r) == ['deleted_count', 'success', 'timestamp'], sorted(r)
print(r['success'], r['deleted_count'], r['timestamp'])" <<<"$OUT")" "True 342 2026-11-18T11:06:40Z" "the seed's result object"
assert_eq "$(sql "SELECT count(*) FROM messages WHERE expires_at < $NOW")" 0 "expired messages left"
assert_eq "$(sql "SELECT count(*) FROM messages WHERE expires_at = $NOW")" 5 "messages expiring exactly now"
assert_eq "$(sql "SELECT count(*) FROM messages")" 35 "messages left"
assert_eq "$(sql "SELECT counts FROM job_runs ORDER BY id DESC LIMIT 1")" '{"messages":342}' "counts in history"

expect_exit 0 mj run message-cleanup --now $NOW --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); print(r['success'], r['deleted_count'])" <<<"$OUT")" "True 0" "rerun"
# --older-than 1h: only messages expired over an hour ago (none now); at NOW + 2h the 30 have been
# expired one hour exactly (they stay), at NOW + 2h + 1s they go.
expect_exit 0 mj run message-cleanup --now $((NOW + 7200)) --older-than 1h --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['deleted_count'])" <<<"$OUT")" 5 "--older-than 1h"
expect_exit 0 mj run message-cleanup --now $((NOW + 7201)) --older-than 1h --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['deleted_count'])" <<<"$OUT")" 30 "--older-than 1h, a second later"
expect_exit 0 mj list --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print([x['schedule'] for x in json.load(sys.stdin) if x['name']=='message-cleanup'][0])" <<<"$OUT")" \
  "0 2 * * *" "default schedule: daily at 02:00"
