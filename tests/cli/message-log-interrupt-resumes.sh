# message-log-cleanup stopped by SIGTERM between batches: exit 130, history counts the committed
# batches, totals are intact at that moment, and the next run finishes with totals intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 5
D=86400
add_logs 150000 $((NOW - 200*D)) 57          # 200 days; ~79k older than 90 d
add_snapshots_for_logs
before=$(all_log_totals)
old=$(sql "SELECT count(*) FROM message_logs WHERE created_at < $NOW - 90*$D")
stop_mid_run TERM "SELECT count(*) FROM message_logs" message-log-cleanup --now $NOW --set job.message-log-cleanup.batch_size=100
assert_eq "$RUN_RC" 130 "exit code after SIGTERM"
assert_eq "$(last_run message-log-cleanup "outcome || '|' || exit_reason")" "interrupted|signal" "history"
left=$(sql "SELECT count(*) FROM message_logs WHERE created_at < $NOW - 90*$D")
[ "$left" -gt 0 ] || fail "the run finished before the signal"
assert_eq "$(last_run message-log-cleanup "json_extract(counts, '$.message_logs')")" $((old - left)) "history counts the committed batches"
assert_eq "$(all_log_totals)" "$before" "totals intact after the interruption"
run_until_done message-log-cleanup --now $NOW
assert_eq "$(sql "SELECT count(*) FROM message_logs WHERE created_at < $NOW - 90*$D")" 0 "finished"
assert_eq "$(sql "SELECT count(*) FROM message_logs")" $((150000 - old)) "younger rows kept"
assert_eq "$(sql "SELECT count(*) FROM header_snapshots")" $((150000 - old)) "snapshots follow their logs"
assert_eq "$(all_log_totals)" "$before" "totals intact after the resume"
