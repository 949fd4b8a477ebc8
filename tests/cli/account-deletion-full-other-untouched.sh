# account-deletion: a user with rows in every table of core/user_data.cpp's list is purged table by
# table (his audit rows anonymised, his spool files removed), while another user's rows, and a
# third user still in his grace, stay exactly as they were (count per table before/after). The
# deletion is recorded (done, per-table counts), audited without personal data, and one notice is
# queued to the user's address, not tied to the users row.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/account-deletion.bash"
init_db
printf '[job.account-deletion]\nspool_dir = var/spool\n' >> jobs.ini
add_account 1 300
add_account 2 300
add_account 3 20
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 4*86400 WHERE id = 1;
     UPDATE users SET status = 'deleted', deleted_at = $NOW - 2*86400 WHERE id = 3"
before1=$(rows_of 1)
before2=$(rows_of 2)
before3=$(rows_of 3)
assert_contains "$before1" "job_attempts=900" "fixture"
for line in $before1; do [ "${line#*=}" != 0 ] || fail "fixture: user 1 has no rows in ${line%=*}"; done
expect_exit 0 mj run account-deletion --now $NOW --json
for line in $(rows_of 1); do assert_eq "${line#*=}" 0 "user 1 rows left in ${line%=*}"; done
assert_eq "$(rows_of 2)" "$before2" "user 2 untouched"
assert_eq "$(rows_of 3)" "$before3" "user 3 (in grace) untouched"
assert_eq "$(json_get "d[0]['counts']['message_logs']")" 300 "history: message_logs"
assert_eq "$(json_get "d[0]['counts']['job_attempts']")" 900 "history: job_attempts"
assert_eq "$(json_get "d[0]['counts']['audit_logs_anonymised']")" 300 "history: audit rows anonymised"
assert_eq "$(json_get "d[0]['counts']['spool_files']")" 302 "history: spool files"
assert_eq "$(json_get "d[0]['counts']['closed_waiting_failed_emails']")" 300 "history: waiting forwards closed"
assert_eq "$(json_get "d[0]['counts']['users']")" 1 "history: users"
assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE actor = 'user:uuid-1' AND user_id IS NULL")" 300 "audit trail kept, anonymised"
assert_eq "$(sql "SELECT status || '|' || completed_at || '|' || (run_id IS NOT NULL) || '|' || ifnull(at_table, '-') || '|' ||
                  json_extract(counts, '$.message_logs') || '|' || json_extract(counts, '$.users')
                  FROM account_deletions WHERE user_uuid = 'uuid-1'")" "done|$NOW|1|-|300|1" "account_deletions row"
id=$(sql "SELECT id FROM account_deletions WHERE user_uuid = 'uuid-1'")
assert_eq "$(sql "SELECT ifnull(user_id, 'NULL') || '|' || actor || '|' || target || '|' || critical || '|' || json_extract(details, '$.account_deletion_id')
                  FROM audit_logs WHERE action = 'account.deleted'")" "NULL|job:account-deletion|user:uuid-1|1|$id" "account.deleted audit row"
if sql "SELECT details FROM audit_logs WHERE action = 'account.deleted'" | grep -q '@'; then fail "audit details hold an address"; fi
assert_eq "$(sql "SELECT ifnull(user_id, 'NULL') || '|' || to_address || '|' || status FROM notification_outbox WHERE kind = 'account_deleted'")" \
  "NULL|user1@example.com|queued" "one deletion notice, not tied to the users row"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'forward_failed'")" 0 "no forward-failed notice"
