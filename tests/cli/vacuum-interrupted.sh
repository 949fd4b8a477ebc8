# The vacuum job in one-page steps: SIGTERM stops it between steps and the next run continues;
# kill -9 mid-step loses nothing (integrity ok, every row there); a rerun frees nothing.
# backend: sqlite-only: VACUUM of the SQLite file; on PostgreSQL autovacuum does it (postgresql-file-jobs)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/helpers/interrupt.sh"
init_db
add_users 1
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 40000)
     INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, raw_message, size_bytes, quarantined_at)
     SELECT 1, 'spam@example.biz', 'u@example.org', randomblob(1000), 1000, $NOW - i FROM c;
     DELETE FROM spam_quarantine WHERE id % 4 <> 0;"
interrupt_and_resume vacuum \
  "PRAGMA freelist_count" \
  "SELECT count(*) || ':' || total(id) || ':' || sum(length(raw_message)) FROM spam_quarantine" \
  --now $NOW --set job.vacuum.pages_per_step=1
assert_eq "$(sql "PRAGMA integrity_check")" ok "integrity"
