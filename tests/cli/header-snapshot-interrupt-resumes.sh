# header-snapshot-cleanup stopped by SIGTERM in its orphan sweep: exit 130, the sweep's position is
# kept in job_state, the next run resumes there and finishes; no orphans afterwards, no live
# snapshot lost, and the position is reset for the next full sweep.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 5
D=86400
add_logs 240000 $((NOW - 30*D)) 10
add_snapshots_for_logs
# the application deleted a third of the newer logs (the sweep first meets orphans past id 100000)
sql "DELETE FROM message_logs WHERE id > 100000 AND id % 3 = 0"
orphans=$(orphan_snapshots)
stop_mid_run TERM "SELECT count(*) FROM header_snapshots" header-snapshot-cleanup --now $NOW --set job.header-snapshot-cleanup.batch_size=50
assert_eq "$RUN_RC" 130 "exit code after SIGTERM"
assert_eq "$(last_run header-snapshot-cleanup "outcome || '|' || exit_reason")" "interrupted|signal" "history"
left=$(orphan_snapshots)
[ "$left" -gt 0 ] || fail "the sweep finished before the signal"
assert_eq "$(last_run header-snapshot-cleanup "json_extract(counts, '$.header_snapshots')")" $((orphans - left)) "history counts the committed batches"
pos=$(sql "SELECT json_extract(cursor, '$.orphan_scan_after') FROM job_state WHERE job = 'header-snapshot-cleanup'")
[ "${pos:-0}" -ge 100000 ] || fail "sweep position not kept: '$pos'"
assert_eq "$(sql "SELECT count(*) FROM header_snapshots h JOIN message_logs m ON m.id = h.message_log_id")" $((240000 - orphans)) "live snapshots kept"
run_until_done header-snapshot-cleanup --now $NOW
assert_eq "$(orphan_snapshots)" 0 "no orphans after the resume"
assert_eq "$(sql "SELECT count(*) FROM header_snapshots")" $((240000 - orphans)) "exactly the live snapshots left"
assert_eq "$(sql "SELECT json_extract(cursor, '$.orphan_scan_after') FROM job_state WHERE job = 'header-snapshot-cleanup'")" 0 "position reset"
