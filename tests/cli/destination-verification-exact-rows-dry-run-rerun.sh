# destination-verification-expiry: expired verification tokens are cleared (one expiring exactly
# now stays); unverified destinations are removed only when remove_unverified = true, only past the
# 30 d grace (exactly at it stays) and only once their notice is at least 3 d old; the notice is
# queued 3 d before the grace ends (or now, if that is past), once. Dry-run counts the same and
# changes nothing; a rerun changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
D=86400
sql "INSERT INTO destinations(id, user_id, email, verified_at, verification_token_hash, verification_expires_at, verification_notice_at, created_at) VALUES
  (1, 1, 'd1@box.example', NULL, 'h1', $NOW - 1, NULL, $NOW - 2*$D),          -- token expired: cleared
  (2, 1, 'd2@box.example', NULL, 'h2', $NOW, NULL, $NOW - 2*$D),              -- expires exactly now: kept
  (3, 1, 'd3@box.example', $NOW - $D, 'h3', $NOW - 7200, NULL, $NOW - 9*$D),  -- verified, stale token: cleared
  (5, 2, 'd5@box.example', NULL, NULL, NULL, $NOW - 3*$D, $NOW - 60*$D),      -- notice exactly 3 d old: removed
  (6, 2, 'd6@box.example', NULL, NULL, NULL, $NOW - 3*$D + 1, $NOW - 60*$D),  -- notice too recent: kept
  (7, 3, 'd7@box.example', NULL, NULL, NULL, $NOW - 10*$D, $NOW - 30*$D),     -- exactly at the grace: kept
  (8, 3, 'd8@box.example', NULL, NULL, NULL, NULL, $NOW - 27*$D - 1),         -- notice now
  (9, 4, 'd9@box.example', NULL, NULL, NULL, NULL, $NOW - 27*$D),             -- exactly at the notice point: nothing
  (10, 4, 'd10@box.example', $NOW - 50*$D, NULL, NULL, NULL, $NOW - 60*$D),   -- verified: kept
  (11, 5, 'd11@box.example', NULL, NULL, NULL, NULL, $NOW - 45*$D)            -- overdue, no notice: notice now, kept"
sql "INSERT INTO aliases(id, user_id, address) VALUES (1, 2, 'a@alias.example');
     INSERT INTO alias_destinations(alias_id, destination_id) VALUES (1, 5), (1, 6)"
add_destinations 2000 $((NOW - 3*D)) $((NOW - 3600))     # expired tokens: cleared
state() { sql "SELECT group_concat(id || ':' || ifnull(verification_token_hash, '-') || ':' || ifnull(verification_notice_at - $NOW, '-'), ' ')
               FROM (SELECT * FROM destinations WHERE id <= 11 ORDER BY id) AS q0"; }

# remove_unverified = false (default): tokens only
expect_exit 0 mj run destination-verification-expiry --dry-run --now $NOW --json
assert_eq "$(json_get "sorted(d[0]['counts'].items())")" "[('destination_tokens', 2002)]" "dry-run, tokens only"
before=$(state)
expect_exit 0 mj run destination-verification-expiry --now $NOW --json
assert_eq "$(json_get "sorted(d[0]['counts'].items())")" "[('destination_tokens', 2002)]" "tokens cleared as counted"
assert_eq "$(state)" "1:-:- 2:h2:- 3:-:- 5:-:-259200 6:-:-259199 7:-:-864000 8:-:- 9:-:- 10:-:- 11:-:-" "token columns"
assert_eq "$(sql "SELECT count(*) FROM destinations WHERE verification_expires_at IS NOT NULL AND verification_token_hash IS NULL")" 0 "hash and expiry cleared together"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 0 "no notices while removal is off"

# remove_unverified = true
on="--set job.destination-verification-expiry.remove_unverified=true"
snap=$(sql "SELECT count(*) || '/' || sum(ifnull(verification_notice_at, 0)) FROM destinations")
expect_exit 0 mj run destination-verification-expiry $on --dry-run --now $NOW --json
assert_eq "$(json_get "sorted(d[0]['counts'].items())")" "[('alias_destinations', 1), ('destination_removal_notices', 2), ('destinations', 1)]" "dry-run with removal (the alias link too)"
assert_eq "$(sql "SELECT count(*) || '/' || sum(ifnull(verification_notice_at, 0)) FROM destinations")" "$snap" "dry-run changed nothing"
expect_exit 0 mj run destination-verification-expiry $on --now $NOW --json
assert_eq "$(json_get "sorted(d[0]['counts'].items())")" \
  "[('alias_destinations', 1), ('destination_removal_notices', 2), ('destinations', 1), ('notification_outbox', 2)]" "real run"
assert_eq "$(sql "SELECT group_concat(id) FROM (SELECT id FROM destinations WHERE id <= 11 ORDER BY id) AS q1")" "1,2,3,6,7,8,9,10,11" "only 5 removed"
assert_eq "$(sql "SELECT group_concat(destination_id) FROM alias_destinations")" "6" "its alias link went with it"
assert_eq "$(sql "SELECT group_concat(id) FROM (SELECT id FROM destinations WHERE verification_notice_at = $NOW ORDER BY id) AS q2")" "8,11" "notices stamped"
assert_eq "$(sql "SELECT group_concat(dedupe_key || '>' || to_address, ' ') FROM (SELECT * FROM notification_outbox ORDER BY id) AS q3")" \
  "destination_removal_notice:8>user3@example.com destination_removal_notice:11>user5@example.com" "one notice each, to the account"
assert_contains "$(sql "SELECT subject FROM notification_outbox WHERE dedupe_key = 'destination_removal_notice:11'")" \
  "d11@box.example will be removed on $(date -u -d @$((NOW + 3*D)) '+%d %B %Y, %H:%M UTC')" "overdue: removal 3 d after the notice"
assert_contains "$(sql "SELECT subject FROM notification_outbox WHERE dedupe_key = 'destination_removal_notice:8'")" \
  "will be removed on $(date -u -d @$((NOW + 3*D - 1)) '+%d %B %Y, %H:%M UTC')" "on time: removal at the end of the grace"
expect_exit 0 mj run destination-verification-expiry $on --now $NOW --json
assert_eq "$(json_get "d[0]['changed']")" 0 "rerun changes nothing"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 2 "rerun queues nothing"
