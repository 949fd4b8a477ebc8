# notification-cleanup with users of 60k notifications (many short transactions per user): SIGTERM
# stops it between batches and the next run resumes where it stopped; kill -9 loses nothing; the
# final result is exactly the set one uninterrupted pass selects (computed here independently).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/helpers/interrupt.sh"
init_db
add_users 3
for u in 1 2; do
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 60000)
       INSERT INTO notifications(user_id, type, title, status, created_at)
       SELECT $u, 'dns_status', 'n' || i, CASE WHEN i % 5 = 0 THEN 'unread' ELSE 'read' END, $NOW - 200*86400 + i * 120 FROM c"
done
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 800)
     INSERT INTO notifications(user_id, type, title, status, created_at) SELECT 3, 't', 'n', 'read', $NOW - i FROM c"
# The rows one pass must soft-delete, kept in an application table (mailjobs never touches app_*).
sql "CREATE TABLE app_expected(id INTEGER PRIMARY KEY);
     INSERT INTO app_expected
     SELECT id FROM (SELECT id, status, row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC, id DESC) AS rn
                     FROM notifications WHERE deleted_at IS NULL AND user_id IN
                       (SELECT user_id FROM notifications WHERE deleted_at IS NULL GROUP BY user_id HAVING count(*) > 1000)) AS q0
     WHERE rn > 100 AND status = 'read'"
assert_eq "$(sql "SELECT count(*) FROM app_expected")" "$(( 2 * (48000 - 80) ))" "set-up"
interrupt_and_resume notification-cleanup \
  "SELECT count(*) FROM notifications WHERE deleted_at IS NULL AND id IN (SELECT id FROM app_expected)" \
  "SELECT count(*) || ':' || total(id) FROM notifications WHERE deleted_at IS NULL AND id NOT IN (SELECT id FROM app_expected)" \
  --now $NOW --set job.notification-cleanup.batch_size=10
assert_eq "$(sql "SELECT count(*) FROM notifications WHERE deleted_at IS NOT NULL AND id NOT IN (SELECT id FROM app_expected)")" 0 \
  "nothing outside the expected set soft-deleted"
assert_eq "$(sql "SELECT cursor FROM job_state WHERE job = 'notification-cleanup'")" "{}" "the pass completed: no resume point left"
