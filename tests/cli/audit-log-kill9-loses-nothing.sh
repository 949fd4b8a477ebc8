# kill -9 during audit-log-cleanup (no archive): the open batch rolls back, nothing that should stay
# is gone; the next run takes over and finishes exactly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
D=86400
add_audit 200000 $((NOW - 600*D)) 100 0
add_audit 3000 $((NOW - 600*D)) 100 1
add_audit 1000 $((NOW - 10*D)) 60 0
stop_mid_run KILL "SELECT count(*) FROM audit_logs" audit-log-cleanup --now $NOW --set job.audit-log-cleanup.batch_size=100
assert_eq "$RUN_RC" 137 "killed"
[ "$(sql "SELECT count(*) FROM audit_logs WHERE critical = 0 AND created_at < $NOW - 365*$D")" -gt 0 ] || fail "the run finished before the kill"
assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE critical = 1 OR created_at >= $NOW - 365*$D")" 4000 "rows to keep are all there"
run_until_done audit-log-cleanup --now $NOW
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 4000 "exactly the rows to keep are left"
