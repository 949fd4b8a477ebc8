# alias-expiry stopped by SIGTERM between batches: exit 130, every alias deactivated so far has
# exactly one audit row, history counts them, and the next run finishes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
# expired over the last 14 hours, one a second (as aliases expire): on PostgreSQL 50000 rows of one
# expires_at made each batch walk the dead index entries of every batch before it
add_aliases 50000 "$((NOW - 3600)) - i"
add_aliases 500 $((NOW + 3600))
stop_mid_run TERM "SELECT count(*) FROM audit_logs" alias-expiry --now $NOW --set job.alias-expiry.batch_size=100
assert_eq "$RUN_RC" 130 "exit code after SIGTERM"
assert_eq "$(last_run alias-expiry "outcome || '|' || exit_reason")" "interrupted|signal" "history"
done_n=$(sql "SELECT count(*) FROM aliases WHERE active = 0")
[ "$done_n" -lt 50000 ] || fail "the run finished before the signal"
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" "$done_n" "audit rows == deactivated aliases"
assert_eq "$(last_run alias-expiry "json_extract(counts, '$.aliases')")" "$done_n" "history counts the committed batches"
run_until_done alias-expiry --now $NOW
assert_eq "$(sql "SELECT count(*) FROM aliases WHERE active = 0")" 50000 "all expired aliases deactivated"
assert_eq "$(sql "SELECT count(*), count(DISTINCT target) FROM audit_logs")" "50000|50000" "one audit row each"
assert_eq "$(sql "SELECT count(*) FROM aliases WHERE active = 1")" 500 "future aliases active"
