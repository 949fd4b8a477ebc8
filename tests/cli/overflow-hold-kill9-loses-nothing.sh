# kill -9 while overflow-hold-expiry queues warnings: every batch is all-or-nothing, so each row is
# either warned (marker set AND exactly one notice) or untouched; the next run takes the lease
# over, finishes, and no row that should stay is gone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
D=86400
add_held 5000 $((NOW - 31*D)) $((NOW - 2*D))     # to purge
add_held 30000 $((NOW - 29*D - 3600))            # to warn
add_held 1000 $((NOW - D))                       # to keep
stop_mid_run KILL "SELECT count(*) FROM notification_outbox" overflow-hold-expiry --now $NOW --set job.overflow-hold-expiry.batch_size=100
assert_eq "$RUN_RC" 137 "killed"
warned=$(sql "SELECT count(*) FROM overflow_hold WHERE warning_queued_at = $NOW")
[ "$warned" -lt 30000 ] || fail "the run finished before the kill"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" "$warned" "notices == markers after kill -9"
assert_eq "$(sql "SELECT count(*) FROM overflow_hold h JOIN notification_outbox o ON o.dedupe_key = 'overflow_hold_warning:' || h.id
                  WHERE h.warning_queued_at = $NOW")" "$warned" "each marker has its notice"
assert_eq "$(sql "SELECT count(*) FROM overflow_hold WHERE held_at = $NOW - 31*$D")" 0 "purge batches before the kill committed"
run_until_done overflow-hold-expiry --now $NOW
assert_eq "$(sql "SELECT count(*) FROM overflow_hold")" 31000 "warned and young rows kept"
assert_eq "$(sql "SELECT count(*), count(DISTINCT dedupe_key) FROM notification_outbox")" "30000|30000" "one warning each after the takeover"
assert_eq "$(sql "SELECT count(*) FROM overflow_hold WHERE held_at = $NOW - 29*$D - 3600 AND warning_queued_at IS NULL")" 0 "none left unwarned"
