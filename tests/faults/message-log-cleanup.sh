# I/O faults in the purge engine (message-log-cleanup: fold into message_stats_daily, delete the
# header snapshots, delete the logs, one transaction per batch). For every failure point of every
# kind (tests/faults/lib.sh): a failed batch rolls back whole, so after each faulty run the totals
# (detail rows + daily stats) are unchanged, no young row is touched, no snapshot is orphaned,
# and a run whose history row says `failed` recorded exactly the rows that are gone; the next run
# without faults purges the rest.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/../cli/retention-b.bash"
. "$(dirname "$0")/lib.sh"
cat >> jobs.ini <<'INI'
[job.message-log-cleanup]
; small batches: several batch transactions (and failure points between them) on a small table
batch_size = 25
INI
init_db
add_users 5
D=86400
add_logs 400 $((NOW - 120*D)) 3600        # 400 rows, one an hour, all older than 90 d
add_logs 50 $((NOW - 10*D)) 3600          # young: stay
add_snapshots_for_logs
OLD=400
totals() { sql "SELECT (SELECT count(*) FROM message_logs WHERE created_at < $NOW - 90*$D) + (SELECT ifnull(sum(count), 0) FROM message_stats_daily)"; }
young() { sql "SELECT count(*) || '/' || ifnull(sum(bytes), 0) FROM message_logs WHERE created_at >= $NOW - 90*$D"; }
YOUNG=$(young)
fault_snapshot

fault_reset() { :; }
fault_check_partial() {
  assert_eq "$(totals)" $OLD "$FAULT_NOW: old detail rows + daily stats (no batch lost or folded twice)"
  assert_eq "$(young)" "$YOUNG" "$FAULT_NOW: young rows"
  assert_eq "$(sql "SELECT count(*) FROM header_snapshots WHERE NOT EXISTS (SELECT 1 FROM message_logs m WHERE m.id = message_log_id)")" 0 \
    "$FAULT_NOW: orphaned snapshots"
  local gone=$((OLD - $(sql "SELECT count(*) FROM message_logs WHERE created_at < $NOW - 90*$D")))
  local snaps_gone=$((450 - $(sql "SELECT count(*) FROM header_snapshots")))
  local run; run=$(last_run message-log-cleanup "outcome || ' ' || ifnull(json_extract(counts, '$.message_logs'), 0) || ' ' ||
                                                  ifnull(json_extract(counts, '$.header_snapshots'), 0) || ' ' || changed")
  case $FAULT_RC in
    # a batch that rolled back is counted nowhere, its snapshots included
    1) assert_eq "$run" "failed $gone $snaps_gone $((gone + snaps_gone))" \
         "$FAULT_NOW: history (outcome, logs, snapshots, changed) vs rows gone" ;;
    # exit 3: the run could not record its end; its row stays 'running' (as after kill -9)
    3) case $run in "running 0 0 0"|"") ;; *) fail "$FAULT_NOW: exit 3 but history says '$run'" ;; esac ;;
  esac
}
fault_check_done() {
  assert_eq "$(sql "SELECT count(*) FROM message_logs WHERE created_at < $NOW - 90*$D")" 0 "$FAULT_NOW (then a clean run): old rows gone"
  assert_eq "$(totals)" $OLD "$FAULT_NOW (then a clean run): daily stats hold every purged row once"
  assert_eq "$(young)" "$YOUNG" "$FAULT_NOW (then a clean run): young rows"
  assert_eq "$(sql "SELECT count(*) FROM header_snapshots")" 50 "$FAULT_NOW (then a clean run): snapshots of young rows only"
  assert_eq "$(last_run message-log-cleanup outcome)" done "$FAULT_NOW (then a clean run): last outcome"
}
fault_sweep_all mj run message-log-cleanup --now $NOW
