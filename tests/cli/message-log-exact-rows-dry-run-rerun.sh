# message-log-cleanup: exactly the rows older than 90 d go (a row exactly at the cutoff stays),
# folded into message_stats_daily and taking their header snapshots with them in the same
# transaction; dry-run reports the same counts per table (snapshots included) and changes nothing;
# a rerun changes and folds nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 5
D=86400
sql "INSERT INTO message_logs(id, user_id, outcome, bytes, created_at) VALUES
  (1, 1, 'delivered', 1000, $NOW - 90*$D - 1), (2, 1, 'delivered', 2000, $NOW - 90*$D),
  (3, 2, 'bounced', 300, $NOW - 91*$D), (4, 2, 'bounced', 400, $NOW - $D)"
sql "INSERT INTO header_snapshots(message_log_id, user_id, encrypted, created_at)
     SELECT id, user_id, randomblob(100), created_at FROM message_logs"
add_logs 3000 $((NOW - 200*D)) 1000          # all older than 90 d (ids 5..3004)
before=$(all_log_totals)
expect_exit 0 mj run message-log-cleanup --dry-run --now $NOW --json
assert_eq "$(json_get "d[0]['counts']['message_logs']")" 3002 "dry-run count"
assert_eq "$(json_get "d[0]['counts'].get('header_snapshots')")" 2 "dry-run counts the snapshots that go with them"
dry_counts=$(json_get "json.dumps(d[0]['counts'], sort_keys=True)")
assert_eq "$(sql "SELECT count(*) FROM message_logs")" 3004 "dry-run deleted nothing"
assert_eq "$(sql "SELECT count(*) FROM message_stats_daily")" 0 "dry-run folded nothing"
expect_exit 0 mj run message-log-cleanup --now $NOW --json
assert_eq "$(json_get "d[0]['counts']['message_logs']")" 3002 "deleted as counted"
assert_eq "$(json_get "d[0]['counts']['header_snapshots']")" 2 "their snapshots went with them"
assert_eq "$(json_get "json.dumps(d[0]['counts'], sort_keys=True)")" "$dry_counts" "counts per table == dry-run counts"
assert_eq "$(sql "SELECT group_concat(id) FROM (SELECT id FROM message_logs ORDER BY id) AS q0")" "2,4" "rows left"
assert_eq "$(sql "SELECT group_concat(message_log_id) FROM (SELECT message_log_id FROM header_snapshots ORDER BY 1) AS q1")" "2,4" "snapshots left"
day1=$(( (NOW - 90*D - 1) / D * D ))
assert_eq "$(sql "SELECT count || '/' || bytes FROM message_stats_daily WHERE user_id = 1 AND day = $day1 AND outcome = 'delivered'")" "1/1000" "row 1 folded into its user/day/outcome"
assert_eq "$(sql "SELECT sum(count) FROM message_stats_daily")" 3002 "every deleted row folded once"
assert_eq "$(all_log_totals)" "$before" "totals of every period unchanged"
stats=$(sql "SELECT sum(count) || '/' || sum(bytes) FROM message_stats_daily")
expect_exit 0 mj run message-log-cleanup --now $NOW --json
assert_eq "$(json_get "d[0]['changed']")" 0 "rerun changes nothing"
assert_eq "$(sql "SELECT sum(count) || '/' || sum(bytes) FROM message_stats_daily")" "$stats" "rerun folds nothing"
