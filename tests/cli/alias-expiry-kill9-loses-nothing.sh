# kill -9 during alias-expiry: a batch is all-or-nothing (deactivation and its audit rows), so
# after the kill audit rows == deactivated aliases; the next run finishes with one row each.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
# expired over the last 14 hours, one a second (as aliases expire): on PostgreSQL 50000 rows of one
# expires_at made each batch walk the dead index entries of every batch before it
add_aliases 50000 "$((NOW - 3600)) - i"
add_aliases 500 $((NOW + 3600))
stop_mid_run KILL "SELECT count(*) FROM audit_logs" alias-expiry --now $NOW --set job.alias-expiry.batch_size=100
assert_eq "$RUN_RC" 137 "killed"
done_n=$(sql "SELECT count(*) FROM aliases WHERE active = 0")
[ "$done_n" -lt 50000 ] || fail "the run finished before the kill"
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" "$done_n" "audit rows == deactivated aliases after kill -9"
run_until_done alias-expiry --now $NOW
assert_eq "$(sql "SELECT count(*), count(DISTINCT target) FROM audit_logs")" "50000|50000" "one audit row each after the takeover"
assert_eq "$(sql "SELECT count(*) FROM aliases WHERE active = 1")" 500 "future aliases active"
