# spam-quarantine-expiry on a big table of messages: SIGTERM stops it between batches and the next
# run resumes; kill -9 loses nothing; a rerun deletes 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/helpers/interrupt.sh"
init_db
add_users 3
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 120000)
     INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, subject, raw_message, size_bytes, score, quarantined_at)
     SELECT 1 + i % 3, 'spam@example.biz', 'u@example.org', 'offer ' || i, randomblob(400), 400, 7.5, $NOW - 90*86400 + i * 60 FROM c"
interrupt_and_resume spam-quarantine-expiry \
  "SELECT count(*) FROM spam_quarantine WHERE quarantined_at < $NOW - 30*86400" \
  "SELECT count(*) || ':' || total(id) FROM spam_quarantine WHERE quarantined_at >= $NOW - 30*86400" \
  --now $NOW --set job.spam-quarantine-expiry.batch_size=20
assert_eq "$(sql "SELECT count(*) FROM spam_quarantine")" "$((120000 - 86400 + 1))" "rows quarantined in the last 30 d stay"
