# account-deletion stopped between batches (SIGTERM) or killed (kill -9) mid-account resumes at
# the table its cursor names and ends in the same state as one uninterrupted run: same rows, same
# account_deletions counts, one audit event, one notice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/account-deletion.bash"
init_db
printf '[job.account-deletion]\nspool_dir = var/spool\n' >> jobs.ini
add_account 1 20000
add_account 2 100
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 5*86400 WHERE id = 1"
cp -a var "$WORK/var0"
expect_exit 0 mj run account-deletion --now $NOW --set job.account-deletion.batch_size=10
reference=$(db_state)
progress="SELECT count(*) FROM message_logs"
for sig in TERM KILL; do
  rm -rf var && cp -a "$WORK/var0" var
  stop_mid_run $sig "$progress" account-deletion --now $NOW --set job.account-deletion.batch_size=10
  [ "$(sql "SELECT count(*) FROM users WHERE id = 1")" = 1 ] || fail "$sig: the run finished before the signal"
  assert_eq "$(sql "SELECT status FROM account_deletions WHERE user_uuid = 'uuid-1'")" running "$sig: deletion running"
  at=$(sql "SELECT at_table FROM account_deletions WHERE user_uuid = 'uuid-1'")
  [ -n "$at" ] || fail "$sig: no cursor"
  if [ $sig = TERM ]; then
    assert_eq "$RUN_RC" 130 "exit code after SIGTERM"
    assert_eq "$(last_run account-deletion "outcome || '|' || exit_reason")" "interrupted|signal" "history"
  else
    assert_eq "$RUN_RC" 137 "killed"
  fi
  expect_exit 0 mj run account-deletion --now $NOW --set job.account-deletion.batch_size=10
  if [ $sig = TERM ]; then
    assert_eq "$(db_state)" "$reference" "$sig: same end state as one run"
  else
    # kill -9 between a commit and its unlinks may leave a spool file (never a row without its file)
    assert_eq "$(db_state | head -n -1)" "$(head -n -1 <<<"$reference")" "$sig: same end state as one run"
  fi
done
