# kill -9 during message-log-cleanup: the open batch rolls back with its fold, so no row is lost
# and none is counted twice; the next run takes over and the totals are still exact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 5
D=86400
add_logs 150000 $((NOW - 200*D)) 57
add_snapshots_for_logs
before=$(all_log_totals)
old=$(sql "SELECT count(*) FROM message_logs WHERE created_at < $NOW - 90*$D")
for i in 1 2; do
  stop_mid_run KILL "SELECT count(*) FROM message_logs" message-log-cleanup --now $NOW --set job.message-log-cleanup.batch_size=100
  assert_eq "$RUN_RC" 137 "killed ($i)"
  [ "$(sql "SELECT count(*) FROM message_logs WHERE created_at < $NOW - 90*$D")" -gt 0 ] || fail "the run finished before kill $i"
  assert_eq "$(all_log_totals)" "$before" "totals exact after kill $i"
  assert_eq "$(sql "SELECT count(*) FROM header_snapshots h WHERE NOT EXISTS (SELECT 1 FROM message_logs m WHERE m.id = h.message_log_id)")" 0 "no orphan snapshot after kill $i"
done
run_until_done message-log-cleanup --now $NOW
assert_eq "$(sql "SELECT count(*) FROM message_logs")" $((150000 - old)) "exactly the young rows are left"
assert_eq "$(sql "SELECT sum(count) FROM message_stats_daily")" "$old" "each deleted row folded exactly once"
assert_eq "$(all_log_totals)" "$before" "totals exact after the takeover"
