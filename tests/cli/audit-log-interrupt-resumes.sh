# audit-log-cleanup stopped by SIGTERM between batches: exit 130, history counts the committed
# batches, and the next run finishes; critical and young rows are never touched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
D=86400
add_audit 200000 $((NOW - 600*D)) 100 0      # ~231 days of old rows
add_audit 3000 $((NOW - 600*D)) 100 1        # critical, 600 d: stay
add_audit 1000 $((NOW - 10*D)) 60 0
stop_mid_run TERM "SELECT count(*) FROM audit_logs" audit-log-cleanup --now $NOW --set job.audit-log-cleanup.batch_size=100
assert_eq "$RUN_RC" 130 "exit code after SIGTERM"
assert_eq "$(last_run audit-log-cleanup "outcome || '|' || exit_reason")" "interrupted|signal" "history"
left=$(sql "SELECT count(*) FROM audit_logs WHERE critical = 0 AND created_at < $NOW - 365*$D")
[ "$left" -gt 0 ] || fail "the run finished before the signal"
assert_eq "$(last_run audit-log-cleanup "json_extract(counts, '$.audit_logs')")" $((200000 - left)) "history counts the committed batches"
run_until_done audit-log-cleanup --now $NOW
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 4000 "critical and young rows kept, the rest gone"
