# account-deletion's first transaction (account_deletions row + notice) and its last (users row +
# done + audit event) cannot be split into batches. When max_transaction stops one of them, the run
# ends failed at once with one line in history and the log that names the transaction, the account
# and the fix; nothing of that transaction is committed, and once the cause is gone the next run
# completes the deletion. An application trigger that runs ~forever makes the transaction slow
# whatever the machine (the time bound stops it after 100 ms).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/account-deletion.bash"
init_db
printf '[job.account-deletion]\nspool_dir = var/spool\n' >> jobs.ini
add_account 1 200
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 5*86400 WHERE id = 1"
SLOW="SELECT (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 1000000000) SELECT count(*) FROM c)"
bound="--set general.max_transaction=100ms"
run_once() { expect_exit "$1" timeout 60 "$MJ" run account-deletion --now $NOW $bound; }
# slow_trigger NAME "WHEN ON TABLE" / drop_trigger NAME TABLE: PostgreSQL's triggers are plpgsql
# functions (a ~forever sleep there), dropped by table
slow_trigger() {
  if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then
    sql "CREATE FUNCTION $1() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN PERFORM pg_sleep(3600); RETURN NULL; END \$\$;
         CREATE TRIGGER $1 $2 FOR EACH ROW EXECUTE FUNCTION $1();"
  else sql "CREATE TRIGGER $1 $2 BEGIN $SLOW; END;"; fi
}
drop_trigger() {
  if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then sql "DROP TRIGGER $1 ON $2"; else sql "DROP TRIGGER $1"; fi
}
runs() { sql "SELECT count(*) FROM job_runs WHERE job = 'account-deletion'"; }

# 1. The first transaction is stopped: failed, one line, nothing started, the account untouched.
before=$(rows_of 1)
slow_trigger app_slow_start "AFTER INSERT ON account_deletions"
run_once 1
assert_eq "$(runs)" 1 "one run"
assert_eq "$(last_run account-deletion "outcome || '|' || exit_reason")" "failed|error" "history"
err=$(last_run account-deletion error)
assert_contains "$err" "account deletion of user uuid-1: its first transaction (account_deletions row and notice) passed max_transaction (100 ms" "history error"
assert_contains "$err" "cannot be split: raise [general] max_transaction" "history error names the fix"
assert_eq "$(wc -l <<<"$err")" 1 "one line"
assert_contains "$ERR" "mailjobs: error: account-deletion: account deletion of user uuid-1: its first transaction" "stderr"
assert_contains "$(grep '"event":"deletion_transaction_too_long"' var/mailjobs.log)" '"transaction":"first transaction' "log event"
[ "$(last_run account-deletion duration_ms)" -lt 5000 ] || fail "the run retried: $(last_run account-deletion duration_ms) ms"
assert_eq "$(sql "SELECT count(*) FROM account_deletions WHERE user_uuid = 'uuid-1'")" 0 "no deletion started"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'account_deleted'")" 0 "no notice queued"
assert_eq "$(rows_of 1)" "$before" "the account's rows untouched"
drop_trigger app_slow_start account_deletions

# 2. The last transaction is stopped: every other row is gone, the users row, "done" and the audit
#    event wait together; the deletion stays running.
slow_trigger app_slow_finish "BEFORE DELETE ON users"
run_once 1
assert_eq "$(runs)" 2 "one more run"
err=$(last_run account-deletion error)
assert_contains "$err" "account deletion of user uuid-1: its last transaction (users row, done and audit event) passed max_transaction (100 ms" "history error"
assert_eq "$(wc -l <<<"$err")" 1 "one line"
assert_eq "$(sql "SELECT status FROM account_deletions WHERE user_uuid = 'uuid-1'")" running "the deletion waits, still running"
assert_eq "$(sql "SELECT count(*) FROM users WHERE id = 1")" 1 "users row kept"
assert_eq "$(sql "SELECT count(*) FROM message_logs WHERE user_id = 1")" 0 "the rest purged"
assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE action = 'account.deleted'")" 0 "no audit event yet"
[ "$(last_run account-deletion duration_ms)" -lt 10000 ] || fail "the run retried: $(last_run account-deletion duration_ms) ms"

# 3. Cause gone: the next run finishes the deletion once.
drop_trigger app_slow_finish users
run_once 0
assert_eq "$(last_run account-deletion outcome)" done "history"
assert_eq "$(sql "SELECT status FROM account_deletions WHERE user_uuid = 'uuid-1'")" done "deletion done"
assert_eq "$(sql "SELECT count(*) FROM users WHERE id = 1")" 0 "users row gone"
assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE action = 'account.deleted'")" 1 "one audit event"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'account_deleted'")" 1 "one notice"
