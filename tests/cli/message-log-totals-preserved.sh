# BJ-07: totals over any period (per user, per day, per week, per month, overall; detail rows plus
# message_stats_daily) are the same before and after message-log-cleanup, including when a later
# run folds into days that already have stats rows, and with the application inserting meanwhile.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 5
D=86400
add_logs 40000 $((NOW - 200*D)) 432          # 200 days, one row every 7.2 minutes
# stats an earlier cleanup left for days that still have detail rows (older retention settings)
sql "INSERT INTO message_stats_daily(user_id, day, outcome, count, bytes)
     SELECT DISTINCT user_id, created_at - created_at % 86400, outcome, 3, 7777 FROM message_logs WHERE created_at < $NOW - 180*$D"
before=$(all_log_totals)
expect_exit 0 mj run message-log-cleanup --now $NOW --older-than 150d --set job.message-log-cleanup.batch_size=200
assert_eq "$(sql "SELECT count(*) FROM message_logs WHERE created_at < $NOW - 150*$D")" 0 "older than 150 d gone"
assert_eq "$(all_log_totals)" "$before" "totals after the first cleanup"
# a second cleanup with the default 90 d cuts through days folded partly before (the cutoff is not
# at midnight), while the application adds new rows
add_logs 500 $((NOW - 3600)) 1
before=$(all_log_totals)
expect_exit 0 mj run message-log-cleanup --now $NOW
assert_eq "$(sql "SELECT min(created_at) >= $NOW - 90*$D FROM message_logs")" 1 "older than 90 d gone"
assert_eq "$(all_log_totals)" "$before" "totals after the second cleanup"
expect_exit 0 mj run message-log-cleanup --now $((NOW + 12*3600))
assert_eq "$(all_log_totals)" "$before" "totals after a cleanup half a day later"
