# message-cleanup on a big table: SIGTERM stops it between batches and the next run resumes;
# kill -9 loses nothing; a rerun deletes 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/helpers/interrupt.sh"
init_db
add_users 10
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 250000)
     INSERT INTO messages(user_id, conversation_id, role, content, created_at, expires_at)
     SELECT 1 + i % 10, i % 97, CASE WHEN i % 2 = 1 THEN 'user' ELSE 'assistant' END, 'message text number ' || i,
            $NOW - 30*86400 + i * 10, $NOW - 28*86400 + i * 10 FROM c"
interrupt_and_resume message-cleanup \
  "SELECT count(*) FROM messages WHERE expires_at < $NOW" \
  "SELECT count(*) || ':' || total(id) FROM messages WHERE expires_at >= $NOW" \
  --now $NOW --set job.message-cleanup.batch_size=20
assert_eq "$(sql "SELECT count(*) FROM messages")" "$((250000 - 28*8640 + 1))" "unexpired messages stay"
