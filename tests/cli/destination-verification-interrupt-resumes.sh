# destination-verification-expiry stopped by SIGTERM while clearing tokens: exit 130, history
# counts the committed batches, and the next run finishes; live tokens are untouched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
add_destinations 60000 $((NOW - 86400)) $((NOW - 3600))
add_destinations 500 $((NOW - 86400)) $((NOW + 3600))
stop_mid_run TERM "SELECT count(*) FROM destinations WHERE verification_token_hash IS NULL" destination-verification-expiry \
  --now $NOW --set job.destination-verification-expiry.batch_size=100
assert_eq "$RUN_RC" 130 "exit code after SIGTERM"
assert_eq "$(last_run destination-verification-expiry "outcome || '|' || exit_reason")" "interrupted|signal" "history"
cleared=$(sql "SELECT count(*) FROM destinations WHERE verification_token_hash IS NULL")
[ "$cleared" -lt 60000 ] || fail "the run finished before the signal"
assert_eq "$(last_run destination-verification-expiry "json_extract(counts, '$.destination_tokens')")" "$cleared" "history counts the committed batches"
run_until_done destination-verification-expiry --now $NOW
assert_eq "$(sql "SELECT count(*) FROM destinations WHERE verification_token_hash IS NULL AND verification_expires_at IS NULL")" 60000 "all expired tokens cleared"
assert_eq "$(sql "SELECT count(*) FROM destinations WHERE verification_expires_at = $NOW + 3600 AND verification_token_hash IS NOT NULL")" 500 "live tokens kept"
