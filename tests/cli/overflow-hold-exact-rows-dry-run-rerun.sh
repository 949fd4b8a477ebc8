# overflow-hold-expiry: exactly the right rows are purged and warned (a row exactly at a cutoff
# stays), its spool file goes with it, dry-run counts the same and changes nothing, a rerun changes
# nothing. Warnings come from the overflow_hold persona with the purge time in them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
D=86400
mkdir -p var/spool
echo "held message" > var/spool/a.eml
echo "held message" > var/spool/b.eml
# id 1: past 30 d, warned exactly 1 d ago                          -> purged (and its spool file)
# id 2: exactly 30 d old, warned 2 d ago                           -> stays (at the cutoff)
# id 3: 40 d old, warned 1 s less than 1 d ago                     -> stays (notice too recent)
# id 4: 40 d old, never warned (the job did not run for days)      -> warned now, not purged
# id 5: 1 s past the warning point (29 d), not warned              -> warned now
# id 6: exactly at the warning point                               -> nothing
# id 7: held yesterday                                             -> nothing
sql "INSERT INTO overflow_hold(id, user_id, mail_from, rcpt_to, subject, spool_path, raw_message, size_bytes, held_at, warning_queued_at) VALUES
  (1, 1, 'x@example.net', 'b@example.org', 'one',   'a.eml', NULL,     10, $NOW - 30*$D - 1, $NOW - $D),
  (2, 2, 'x@example.net', 'b@example.org', 'two',   'b.eml', NULL,     10, $NOW - 30*$D,     $NOW - 2*$D),
  (3, 3, 'x@example.net', 'b@example.org', 'three', NULL,    x'00',    10, $NOW - 40*$D,     $NOW - $D + 1),
  (4, 4, 'x@example.net', 'b@example.org', 'four',  NULL,    x'00',    10, $NOW - 40*$D,     NULL),
  (5, 5, 'x@example.net', 'b@example.org', 'five',  NULL,    x'00',    10, $NOW - 29*$D - 1, NULL),
  (6, 6, 'x@example.net', 'b@example.org', 'six',   NULL,    x'00',    10, $NOW - 29*$D,     NULL),
  (7, 7, 'x@example.net', 'b@example.org', 'seven', NULL,    x'00',    10, $NOW - $D,        NULL)"
add_held 500 $((NOW - 31*D)) $((NOW - 2*D))   # purged
add_held 300 $((NOW - 29*D - 3600))           # warned
before=$(sql "SELECT group_concat(id || ':' || ifnull(warning_queued_at, '-'), ',') FROM overflow_hold")

expect_exit 0 mj run overflow-hold-expiry --dry-run --now $NOW --json
assert_eq "$(json_get "d[0]['counts'].get('overflow_hold')")" 501 "dry-run purge count"
assert_eq "$(json_get "d[0]['counts'].get('overflow_hold_warnings')")" 302 "dry-run warning count"
assert_eq "$(sql "SELECT group_concat(id || ':' || ifnull(warning_queued_at, '-'), ',') FROM overflow_hold")" "$before" "dry-run changed no row"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 0 "dry-run queued nothing"
[ -f var/spool/a.eml ] || fail "dry-run removed a spool file"

expect_exit 0 mj run overflow-hold-expiry --now $NOW --json
assert_eq "$(json_get "d[0]['counts'].get('overflow_hold')")" 501 "purged"
assert_eq "$(json_get "d[0]['counts'].get('overflow_hold_warnings')")" 302 "warned"
assert_eq "$(json_get "d[0]['counts'].get('notification_outbox')")" 302 "notices queued"
assert_eq "$(sql "SELECT group_concat(id) FROM (SELECT id FROM overflow_hold WHERE id <= 7 ORDER BY id) AS q0")" "2,3,4,5,6,7" "rows left"
assert_eq "$(sql "SELECT count(*) FROM overflow_hold WHERE held_at = $NOW - 31*$D")" 0 "bulk purge"
[ ! -e var/spool/a.eml ] || fail "spool file of a purged row is still there"
[ -f var/spool/b.eml ] || fail "spool file of a kept row was removed"
assert_eq "$(sql "SELECT group_concat(id) FROM (SELECT id FROM overflow_hold WHERE warning_queued_at = $NOW ORDER BY id LIMIT 3) AS q1")" "4,5,508" "newly warned rows"
assert_eq "$(sql "SELECT count(*) FROM overflow_hold WHERE warning_queued_at = $NOW")" 302 "markers set"
# Every warning: the dedicated persona and its display name, never Porter; one per row; to the owner.
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE persona = 'overflow_hold' AND from_name IS NULL
                  AND kind = 'overflow_hold_warning' AND status = 'queued'")" 302 "persona of every warning"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox o JOIN overflow_hold h ON o.dedupe_key = 'overflow_hold_warning:' || h.id
                  JOIN users u ON u.id = h.user_id WHERE o.to_address = u.email AND o.user_id = h.user_id")" 302 "one warning per row, to its owner"
# The purge time is in the warning, filled in when it is sent (issue 12.3): a full day after the
# sending, and not before held_at + 30 d (id 5: now + 1 d - 1 s).
assert_contains "$(sql "SELECT subject FROM notification_outbox WHERE dedupe_key = 'overflow_hold_warning:5'")" \
  "will be deleted on {{mailjobs:sent+$D>=$((NOW + D - 1))}}" "subject of id 5"
body=$(sql "SELECT body FROM notification_outbox WHERE dedupe_key = 'overflow_hold_warning:4'")
assert_contains "$body" "It will be deleted after {{mailjobs:sent+$D>=$((NOW - 10*D))}}" "body of id 4"
assert_contains "$body" "Subject:   four" "body names the message"
if grep -qi porter <<<"$(sql "SELECT persona || from_name || subject || body FROM notification_outbox")"; then fail "a warning mentions Porter"; fi

expect_exit 0 mj run overflow-hold-expiry --now $NOW --json
assert_eq "$(json_get "d[0]['changed']")" 0 "rerun changes nothing"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 302 "rerun queues no second warning"
