# kill -9 during destination-verification-expiry's removals: a batch (destinations and their alias
# links) is all-or-nothing, no destination that should stay is gone, foreign keys hold; the next
# run takes over and finishes exactly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
cat >> jobs.ini <<'INI'
[job.destination-verification-expiry]
remove_unverified = true
INI
init_db
add_users 10
D=86400
add_destinations 50000 $((NOW - 40*D)) NULL                     # unverified past the grace ...
sql "UPDATE destinations SET verification_token_hash = NULL, verification_notice_at = $NOW - 5*$D"   # ... noticed 5 d ago: remove
add_destinations 3000 $((NOW - 40*D)) NULL $((NOW - 39*D))      # verified: keep
add_destinations 1000 $((NOW - 2*D)) $((NOW + D))               # young: keep
sql "INSERT INTO aliases(id, user_id, address) VALUES (1, 1, 'a@alias.example');
     INSERT INTO alias_destinations(alias_id, destination_id) SELECT 1, id FROM destinations"
stop_mid_run KILL "SELECT count(*) FROM destinations" destination-verification-expiry --now $NOW --set job.destination-verification-expiry.batch_size=100
assert_eq "$RUN_RC" 137 "killed"
left=$(sql "SELECT count(*) FROM destinations WHERE verified_at IS NULL AND created_at < $NOW - 30*$D")
[ "$left" -gt 0 ] || fail "the run finished before the kill"
assert_eq "$(sql "SELECT count(*) FROM destinations WHERE verified_at IS NOT NULL OR created_at >= $NOW - 30*$D")" 4000 "rows to keep are there"
assert_eq "$(sql "SELECT count(*) FROM alias_destinations")" $((left + 4000)) "alias links match the destinations left"
assert_eq "$(sql "PRAGMA foreign_key_check")" "" "foreign keys hold"
run_until_done destination-verification-expiry --now $NOW
assert_eq "$(sql "SELECT count(*) FROM destinations")" 4000 "exactly the rows to keep are left"
assert_eq "$(sql "SELECT count(*) FROM alias_destinations")" 4000 "and their links"
