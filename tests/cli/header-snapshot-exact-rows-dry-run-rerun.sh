# header-snapshot-cleanup: snapshots older than 90 d go (exactly at the cutoff stays), and so does
# every snapshot whose message log is gone, whatever its age; no orphans afterwards. Dry-run counts
# the same and changes nothing; a rerun changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 5
D=86400
sql "INSERT INTO message_logs(id, user_id, outcome, bytes, created_at) VALUES
  (1, 1, 'delivered', 10, $NOW - 100*$D), (2, 1, 'delivered', 10, $NOW - 90*$D), (3, 1, 'delivered', 10, $NOW - $D)"
# 1: older than 90 d, log present -> goes      2: exactly 90 d -> stays      3: young, log present -> stays
# 4: young, its log is gone (orphan) -> goes        5: old AND orphan -> goes (counted once)
# 6: young, no message log at all (NULL) -> stays (goes by age only)
sql "INSERT INTO header_snapshots(id, message_log_id, user_id, encrypted, created_at) VALUES
  (1, 1, 1, x'01', $NOW - 90*$D - 1), (2, 2, 1, x'02', $NOW - 90*$D), (3, 3, 1, x'03', $NOW - $D),
  (4, 999999, 1, x'04', $NOW - 60), (5, 999998, 1, x'05', $NOW - 95*$D), (6, NULL, 1, x'06', $NOW - 60)"
# bulk: 2000 young snapshots, every 4th one's log deleted by the application
add_logs 2000 $((NOW - 10*D)) 60
sql "INSERT INTO header_snapshots(message_log_id, user_id, encrypted, created_at)
     SELECT id, user_id, randomblob(50), created_at FROM message_logs WHERE id > 3;
     DELETE FROM message_logs WHERE id > 3 AND id % 4 = 0"
assert_eq "$(orphan_snapshots)" 502 "orphans before"
expect_exit 0 mj run header-snapshot-cleanup --dry-run --now $NOW --json
assert_eq "$(json_get "d[0]['counts']['header_snapshots']")" 503 "dry-run count (2 by age, 501 young orphans)"
assert_eq "$(sql "SELECT count(*) FROM header_snapshots")" 2006 "dry-run deleted nothing"
expect_exit 0 mj run header-snapshot-cleanup --now $NOW --json
assert_eq "$(json_get "d[0]['counts']['header_snapshots']")" 503 "deleted as counted"
assert_eq "$(sql "SELECT group_concat(id) FROM (SELECT id FROM header_snapshots WHERE id <= 6 ORDER BY id) AS q0")" "2,3,6" "rows left"
assert_eq "$(orphan_snapshots)" 0 "no orphans afterwards"
assert_eq "$(sql "SELECT count(*) FROM header_snapshots")" 1503 "the rest kept"
expect_exit 0 mj run header-snapshot-cleanup --now $NOW --json
assert_eq "$(json_get "d[0]['changed']")" 0 "rerun changes nothing"
# With message-log-cleanup: the logs' own purge takes their snapshots along, so none is orphaned
# even before header-snapshot-cleanup runs again.
expect_exit 0 mj run message-log-cleanup --now $((NOW + 20*D)) --older-than 15d
assert_eq "$(orphan_snapshots)" 0 "message-log-cleanup leaves no orphans"
