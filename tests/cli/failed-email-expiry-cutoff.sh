# failed-email-expiry (BJ-06) deletes failed forwards 7 d after first_failed_at, only in a final
# state (delivered, failed): a row exactly at the cutoff stays, pending (retry scheduled) and sending
# (claimed) rows stay however old; spool files of deleted rows go, others stay; dry-run counts the
# same rows; a rerun deletes 0; while forward-retry runs it is skipped (conflict), not failed.
. "$(dirname "$0")/lib.sh"
init_db
add_users 2
cut=$((NOW - 7*86400))
# fe STATUS FIRST_FAILED_AT N [SPOOL_PREFIX]
fe() {
  local raw="CAST('From: a@example.org' || char(10) || char(10) || 'hello' AS BLOB)" spool=NULL
  if [ -n "${4:-}" ]; then raw=NULL; spool="'$4-' || i || '.eml'"; fi
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $3)
       INSERT INTO failed_emails(user_id, mail_from, rcpt_to, raw_message, spool_path, size_bytes, first_failed_at, status,
                                 next_attempt_at, failed_at, claimed_by, claim_expires_at)
       SELECT 1 + i % 2, 'a@example.org', 'dest@example.net', $raw, $spool, 20, $2, '$1',
              CASE WHEN '$1' = 'pending' THEN $NOW + 3600 END, CASE WHEN '$1' = 'failed' THEN $2 + 3600 END,
              CASE WHEN '$1' = 'sending' THEN 'host:1:x' END, CASE WHEN '$1' = 'sending' THEN $NOW + 600 END FROM c"
}
mkdir -p var/spool
for i in 1 2 3 4 5; do echo "old $i" > "var/spool/old-$i.eml"; done
for i in 1 2 3 4 5 6; do echo "pending $i" > "var/spool/pend-$i.eml"; done
fe failed $((cut - 1)) 300
fe delivered $((cut - 86400)) 100
fe failed $((cut - 10)) 5 old              # spooled: files go after their rows
fe failed $cut 4                           # exactly at the cutoff: stays
fe pending $((cut - 5*86400)) 6 pend       # a retry is still scheduled: stays, file too
fe sending $((cut - 5*86400)) 3            # claimed by forward-retry right now: stays
fe failed $((NOW - 86400)) 20

expect_exit 0 mj run failed-email-expiry --dry-run --now $NOW --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[0]['counts']['failed_emails'])" <<<"$OUT")" 405 "dry-run count"
assert_eq "$(sql "SELECT count(*) FROM failed_emails")" 438 "dry-run deletes nothing"
assert_eq "$(ls var/spool | wc -l)" 11 "dry-run removes no file"

# forward-retry holds its lease: the purge is skipped with the reason, not failed.
sql "INSERT INTO job_locks(job, owner, host, pid, acquired_at, heartbeat_at, expires_at)
     VALUES('forward-retry', 'other:1:x', 'other-host', 1, strftime('%s','now'), strftime('%s','now'), strftime('%s','now') + 600)"
expect_exit 4 mj run failed-email-expiry --now $NOW
assert_eq "$(sql "SELECT outcome || '|' || exit_reason || '|' || error FROM job_runs ORDER BY id DESC LIMIT 1")" \
  "skipped|conflict|conflicting job forward-retry is running" "history of the conflicting run"
assert_eq "$(sql "SELECT consecutive_failures FROM job_state WHERE job = 'failed-email-expiry'")" 0 "a conflict is not a failure"
assert_eq "$(sql "SELECT count(*) FROM failed_emails")" 438 "nothing deleted while forward-retry runs"
sql "DELETE FROM job_locks"

expect_exit 0 mj run failed-email-expiry --now $NOW --set job.failed-email-expiry.batch_size=50
assert_eq "$(sql "SELECT changed || '|' || counts FROM job_runs ORDER BY id DESC LIMIT 1")" \
  '405|{"failed_emails":405,"spool_files":5}' "history of the real run"
assert_eq "$(sql "SELECT group_concat(s, ' ') FROM (SELECT status || ':' || count(*) AS s FROM failed_emails GROUP BY status ORDER BY status) AS q0")" \
  "failed:24 pending:6 sending:3" "rows left"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE first_failed_at = $cut")" 4 "rows exactly at the cutoff"
assert_eq "$(ls var/spool | sort | tr '\n' ' ')" "pend-1.eml pend-2.eml pend-3.eml pend-4.eml pend-5.eml pend-6.eml " "spool files left"

expect_exit 0 mj run failed-email-expiry --now $NOW
assert_eq "$(sql "SELECT changed FROM job_runs ORDER BY id DESC LIMIT 1")" 0 "rerun deletes 0"
expect_exit 0 mj run failed-email-expiry --now $NOW --older-than 1d
assert_eq "$(sql "SELECT changed FROM job_runs ORDER BY id DESC LIMIT 1")" 4 "--older-than 1d (the 20 from exactly 1 d ago stay)"
