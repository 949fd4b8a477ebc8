# kill -9 during header-snapshot-cleanup (age purge and orphan sweep): no live snapshot is lost;
# the next run takes the lease over and leaves exactly the live, young snapshots.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 5
D=86400
add_logs 200000 $((NOW - 150*D)) 60           # ~ 80% younger than 90 d
add_snapshots_for_logs
sql "DELETE FROM message_logs WHERE id % 5 = 0"
keep=$(sql "SELECT count(*) FROM header_snapshots h JOIN message_logs m ON m.id = h.message_log_id WHERE h.created_at >= $NOW - 90*$D")
for i in 1 2; do
  stop_mid_run KILL "SELECT count(*) FROM header_snapshots" header-snapshot-cleanup --now $NOW --set job.header-snapshot-cleanup.batch_size=50
  assert_eq "$RUN_RC" 137 "killed ($i)"
  assert_eq "$(sql "SELECT count(*) FROM header_snapshots h JOIN message_logs m ON m.id = h.message_log_id WHERE h.created_at >= $NOW - 90*$D")" "$keep" "live snapshots kept after kill $i"
done
[ "$(orphan_snapshots)" -gt 0 ] || [ "$(sql "SELECT count(*) FROM header_snapshots WHERE created_at < $NOW - 90*$D")" -gt 0 ] || fail "the runs finished before the kills"
run_until_done header-snapshot-cleanup --now $NOW
assert_eq "$(orphan_snapshots)" 0 "no orphans"
assert_eq "$(sql "SELECT count(*) FROM header_snapshots")" "$keep" "exactly the live young snapshots left"
