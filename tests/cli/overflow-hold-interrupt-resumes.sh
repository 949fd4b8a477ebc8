# overflow-hold-expiry interrupted by SIGTERM in the middle of its purge: the committed batches
# stay done and are counted in history, the run is recorded as interrupted (exit 130), and the
# next run finishes both the purge and the warnings, with nothing that should stay gone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
D=86400
add_held 50000 $((NOW - 31*D)) $((NOW - 2*D))    # to purge
add_held 2000 $((NOW - 29*D - 3600))             # to warn
add_held 1000 $((NOW - D))                       # to keep
stop_mid_run TERM "SELECT count(*) FROM overflow_hold" overflow-hold-expiry --now $NOW --set job.overflow-hold-expiry.batch_size=100
assert_eq "$RUN_RC" 130 "exit code after SIGTERM"
assert_eq "$(last_run overflow-hold-expiry "outcome || '|' || exit_reason")" "interrupted|signal" "history"
left=$(sql "SELECT count(*) FROM overflow_hold WHERE held_at = $NOW - 31*$D")
[ "$left" -gt 0 ] || fail "the run finished before the signal; nothing to resume"
purged=$(sql "SELECT json_extract(counts, '$.overflow_hold') FROM job_runs ORDER BY id DESC LIMIT 1")
assert_eq "$((50000 - left))" "$purged" "history counts exactly the committed batches"
expect_exit 0 mj run overflow-hold-expiry --now $NOW
assert_eq "$(last_run overflow-hold-expiry "outcome || '|' || json_extract(counts, '$.overflow_hold') || '|' || json_extract(counts, '$.overflow_hold_warnings')")" \
  "done|$left|2000" "the next run finishes"
assert_eq "$(sql "SELECT count(*) FROM overflow_hold")" 3000 "warned and young rows kept"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 2000 "one warning each"
