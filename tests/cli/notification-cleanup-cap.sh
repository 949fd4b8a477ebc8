# notification-cleanup (seed 004): a user with more than 1000 live notifications gets every READ one
# outside their newest 100 soft-deleted (deleted_at = now); unread ones are never touched; a user
# with 900 (or exactly 1000) is untouched; already soft-deleted rows do not count. The expected set
# is computed here independently (window functions in sqlite3). Soft-deleted rows are hard-deleted
# 30 d after deleted_at (a row exactly at the grace stays). Dry-run reports the same numbers and
# changes nothing; a rerun changes nothing; the result has the seed's statistics.
. "$(dirname "$0")/lib.sh"
init_db
add_users 5
# notes USER N STATUS_EXPR [DELETED_AT]: N notifications, created_at one minute apart
notes() {
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $2)
       INSERT INTO notifications(user_id, type, title, status, created_at, deleted_at)
       SELECT $1, 'usage_threshold', 'note ' || i, $3, $NOW - 100*86400 + i * 60, ${4:-NULL} FROM c"
}
notes 1 1200 "CASE WHEN i % 3 = 0 OR i % 7 = 0 THEN 'unread' ELSE 'read' END"
# ties around user 1's newest-100 boundary: equal created_at, so the id decides
sql "UPDATE notifications SET created_at = (SELECT created_at FROM notifications WHERE id = 1100) WHERE user_id = 1 AND id BETWEEN 1095 AND 1106"
notes 2 900 "'read'"                          # under the cap: untouched
notes 3 1001 "'read'"                         # one over: all but the newest 100 go
notes 4 1000 "'read'"                         # exactly at the cap: untouched
notes 5 990 "'read'"                          # 990 live ...
notes 5 60 "'read'" $((NOW - 40*86400))       # ... + 60 soft-deleted 40 d ago (hard-deleted now)
notes 5 10 "'read'" $((NOW - 30*86400))       # ... + 10 soft-deleted exactly 30 d ago (stay)

expected() {
  sql "WITH live AS (SELECT id, user_id, status, created_at FROM notifications WHERE deleted_at IS NULL),
            over AS (SELECT user_id FROM live GROUP BY user_id HAVING count(*) > 1000),
            ranked AS (SELECT id, status, row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC, id DESC) AS rn
                       FROM live WHERE user_id IN (SELECT user_id FROM over))
       SELECT count(*) || ':' || ifnull(group_concat(id), '') FROM (SELECT id FROM ranked WHERE rn > 100 AND status = 'read' ORDER BY id) AS q0"
}
want=$(expected)
want_n=${want%%:*}
# user 1: 686 read, 57 of them among the newest 100 (ids 1101..1200, the tie split by id); user 3: 901
assert_eq "$want_n" "$((686 - 57 + 901))" "set-up: the expected count"
before=$(sql "SELECT count(*) || ':' || total(id) || ':' || total(ifnull(deleted_at, 0)) FROM notifications")

expect_exit 0 mj run notification-cleanup --dry-run --now $NOW --json
assert_eq "$(/usr/bin/python3 -c "
import json, sys
r = json.load(sys.stdin)
print(r['soft_deleted'], r['hard_deleted'], r['users_over_cap'], r['dry_run'])" <<<"$OUT")" "$want_n 60 2 True" "dry-run result"
assert_eq "$(sql "SELECT count(*) || ':' || total(id) || ':' || total(ifnull(deleted_at, 0)) FROM notifications")" "$before" "dry-run changes nothing"

expect_exit 0 mj run notification-cleanup --now $NOW --json --set job.notification-cleanup.batch_size=50
got=$(sql "SELECT count(*) || ':' || ifnull(group_concat(id), '') FROM (SELECT id FROM notifications WHERE deleted_at = $NOW ORDER BY id) AS q1")
assert_eq "$got" "$want" "exactly the expected rows soft-deleted"
live=$(sql "SELECT count(*) FROM notifications WHERE deleted_at IS NULL")
assert_eq "$(/usr/bin/python3 -c "
import json, sys
r = json.load(sys.stdin)
print(r['total_notifications'], r['users_with_notifications'], r['soft_deleted'], r['hard_deleted'], r['users_over_cap'])" <<<"$OUT")" \
  "$live 5 $want_n 60 2" "result statistics"
assert_eq "$live" "$((1200 + 900 + 1001 + 1000 + 990 - want_n))" "live notifications after"
assert_eq "$(sql "SELECT count(*) FROM notifications WHERE status = 'unread' AND deleted_at IS NOT NULL")" 0 "unread never touched"
assert_eq "$(sql "SELECT count(*) FROM notifications WHERE user_id IN (2, 4) AND deleted_at IS NOT NULL")" 0 "users at or under the cap untouched"
for u in 1 3; do
  assert_eq "$(sql "SELECT count(*) FROM (SELECT deleted_at FROM notifications WHERE user_id = $u AND (deleted_at IS NULL OR deleted_at = $NOW)
                    ORDER BY created_at DESC, id DESC LIMIT 100) AS q2 WHERE deleted_at IS NOT NULL")" 0 "user $u's newest 100 kept"
done
assert_eq "$(sql "SELECT count(*) FROM notifications WHERE user_id = 5 AND deleted_at IS NOT NULL")" 10 "soft-deleted 40 d ago: gone; exactly 30 d: stay"
assert_eq "$(sql "SELECT counts FROM job_runs ORDER BY id DESC LIMIT 1")" \
  "{\"notifications\":60,\"notifications_soft_deleted\":$want_n}" "counts in history"

expect_exit 0 mj run notification-cleanup --now $NOW --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); print(r['soft_deleted'], r['hard_deleted'])" <<<"$OUT")" "0 0" "rerun"

# 30 d later the soft-deleted rows sit exactly at the grace and stay; one second later they go.
expect_exit 0 mj run notification-cleanup --now $((NOW + 30*86400)) --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['hard_deleted'])" <<<"$OUT")" 10 "the 10 from 30 d before NOW"
expect_exit 0 mj run notification-cleanup --now $((NOW + 30*86400 + 1)) --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['hard_deleted'])" <<<"$OUT")" "$want_n" "a second past the grace"
assert_eq "$(sql "SELECT count(*) FROM notifications WHERE deleted_at IS NOT NULL")" 0 "no soft-deleted rows left"
assert_eq "$(sql "SELECT count(*) FROM notifications")" "$live" "live rows untouched by the hard delete"
