# account-deletion stopped between batches (SIGTERM) or killed (kill -9) mid-account resumes at
# the table its cursor names and ends in the same state as one uninterrupted run: same rows, same
# account_deletions counts, one audit event, one notice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/account-deletion.bash"
init_db
printf '[job.account-deletion]\nspool_dir = var/spool\n' >> jobs.ini
add_account 1 5000
add_account 2 100
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 5*86400 WHERE id = 1"
cp -a var "$WORK/var0"; db_save start
# Runs until the job reports done: on a loaded machine one run may end at its time budget (exit 0,
# outcome more) and the next one continues.
run_to_end() {
  local i
  for i in $(seq 1 20); do
    expect_exit 0 mj run account-deletion --now $NOW --set job.account-deletion.batch_size=10
    [ "$(last_run account-deletion outcome)" != done ] || return 0
  done
  fail "no run finished the deletion"
}
run_to_end
reference=$(db_state)
progress="SELECT count(*) FROM message_logs"
for sig in TERM KILL; do
  rm -rf var && cp -a "$WORK/var0" var && db_restore start
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
  run_to_end
  # kill -9 between a commit and its unlinks may leave a spool file (never a row without its file)
  got=$(db_state)
  [ $sig = TERM ] || got=$(head -n -1 <<<"$got")
  want=$reference
  [ $sig = TERM ] || want=$(head -n -1 <<<"$reference")
  [ "$got" = "$want" ] || fail "$sig: not the end state of one run: $(diff <(echo "$want") <(echo "$got"))"
done
