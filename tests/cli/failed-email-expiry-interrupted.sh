# failed-email-expiry on a big table: SIGTERM stops it between batches and the next run resumes;
# kill -9 loses nothing; rows still scheduled for retry are never touched; a rerun deletes 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/helpers/interrupt.sh"
init_db
add_users 2
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 150000)
     INSERT INTO failed_emails(user_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at, status, next_attempt_at)
     SELECT 1 + i % 2, 'a@example.org', 'dest@example.net', randomblob(200), 200, $NOW - 60*86400 + i,
            CASE WHEN i % 500 = 0 THEN 'pending' ELSE 'failed' END, CASE WHEN i % 500 = 0 THEN $NOW + 3600 END FROM c"
interrupt_and_resume failed-email-expiry \
  "SELECT count(*) FROM failed_emails WHERE status = 'failed'" \
  "SELECT count(*) || ':' || total(id) FROM failed_emails WHERE status = 'pending'" \
  --now $NOW --set job.failed-email-expiry.batch_size=20
assert_eq "$(sql "SELECT count(*) FROM failed_emails")" 300 "only rows with a retry scheduled left"
