# bandwidth-rollup's deletes: a dry run counts and writes nothing; raw rows go only once rolled up
# and past raw_retention (whole UTC days), totals stay in the rollups; a row written for a day
# whose raw rows are gone is ignored and counted, never recomputed into a smaller total; rollups
# go after their own retentions; retentions that do not bound each other are refused at load.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/usage.bash"
init_db
add_users 10
add_usage 5000 100
total=$(sql "SELECT sum(bytes) FROM bandwidth_usage")
rows=$(sql "SELECT count(*) FROM bandwidth_usage")
cutoff=$(( (NOW - 35*D) / D * D ))
old=$(sql "SELECT count(*) FROM bandwidth_usage WHERE recorded_at < $cutoff")

# Dry run: the same selection, nothing written but its history row.
expect_exit 0 mj run bandwidth-rollup --dry-run --now $NOW
assert_eq "$(sql "SELECT count(*) FROM bandwidth_rollups")" 0 "dry run wrote no rollup"
assert_eq "$(sql "SELECT count(*) FROM bandwidth_usage")" "$rows" "dry run deleted nothing"
assert_eq "$(sql "SELECT count(*) FROM job_state WHERE job = 'bandwidth-rollup' AND cursor <> '{}'")" 0 "dry run moved no watermark"
counts=$(last_counts bandwidth-rollup)
assert_eq "$(sql "SELECT json_extract('$counts', '$.bandwidth_usage')")" "$old" "dry run counts the raw rows a run deletes"
db_save dry
expect_exit 0 mj run bandwidth-rollup --now $NOW
written=$(sql "SELECT count(*) FROM bandwidth_rollups")
db_restore dry
assert_eq "$(sql "SELECT json_extract('$counts', '$.bandwidth_rollups')")" "$written" \
  "dry run counts every day and week row the run writes (the run then undone)"
assert_ge "$written" "$(( $(sql "SELECT count(*) FROM ($brute_day) AS q") + 1 ))" "(weeks included)"

expect_exit 0 mj run bandwidth-rollup --now $NOW
assert_eq "$(sql "SELECT count(*) FROM bandwidth_usage WHERE recorded_at < $cutoff")" 0 "raw rows past 35 d deleted"
assert_eq "$(sql "SELECT count(*) FROM bandwidth_usage")" "$((rows - old))" "and only those"
assert_eq "$(sql "SELECT sum(bytes_used) FROM bandwidth_rollups WHERE period = 'day'")" "$total" "the day rollups keep every byte"
assert_eq "$(sql "SELECT sum(bytes_used) FROM bandwidth_rollups WHERE period = 'week'")" "$total" "so do the weeks"
assert_eq "$(sql "SELECT json_extract(cursor, '$.closed_before') FROM job_state WHERE job = 'bandwidth-rollup'")" "$cutoff" "closed_before"
assert_eq "$(sql "SELECT json_extract(cursor, '$.complete_before') FROM job_state WHERE job = 'bandwidth-rollup'")" "$((NOW / D * D))" "complete_before"

# A row for a day whose raw rows were deleted (its bytes, 123456, above any random row's): left out (and deleted by the next purge), the
# day's total unchanged; the rest of that run's rows are rolled up.
day50=$(( (NOW - 50*D) / D * D ))
before50=$(sql "SELECT bytes_used FROM bandwidth_rollups WHERE user_id = 1 AND period = 'day' AND period_start = $day50")
sql "INSERT INTO bandwidth_usage(user_id, bytes, recorded_at) VALUES (1, 123456, $day50 + 100), (1, 5, $NOW - 3600)"
expect_exit 0 mj run bandwidth-rollup --now $((NOW + 60))
assert_eq "$(sql "SELECT json_extract('$(last_counts bandwidth-rollup)', '$.late_rows_ignored')")" 1 "the late row is counted"
assert_eq "$(sql "SELECT ifnull(bytes_used, 0) FROM bandwidth_rollups WHERE user_id = 1 AND period = 'day' AND period_start = $day50")" "${before50:-}" \
  "its day is not recomputed from what is left"
assert_eq "$(sql "SELECT count(*) FROM bandwidth_usage WHERE bytes = 123456")" 0 "and the row is purged with its day"
assert_eq "$(sql "SELECT sum(bytes_used) FROM bandwidth_rollups WHERE period = 'day'")" "$((total + 5))" "the timely row is counted"
assert_contains "$(cat var/mailjobs.log)" "late_rows_ignored" "the log says so"

# Rollup retentions: 400 d for days, 730 d for weeks.
expect_exit 0 mj run bandwidth-rollup --now $((NOW + 450*D))
assert_eq "$(sql "SELECT count(*) FROM bandwidth_rollups WHERE period = 'day' AND period_start < ($NOW + 50*$D) / $D * $D")" 0 "day rollups past 400 d deleted"
assert_ge "$(sql "SELECT count(*) FROM bandwidth_rollups WHERE period = 'week'")" 10 "week rollups kept"
expect_exit 0 mj run bandwidth-rollup --now $((NOW + 900*D))
assert_eq "$(sql "SELECT count(*) FROM bandwidth_rollups")" 0 "week rollups past 730 d deleted"

# Retentions that do not bound each other: exit 2 before anything runs.
sha=$(db_sha)
expect_exit 2 mj run bandwidth-rollup --set job.bandwidth-rollup.raw_retention=2d
assert_contains "$ERR" "raw_retention must be longer than lateness" "raw_retention <= lateness"
expect_exit 2 mj run bandwidth-rollup --set job.bandwidth-rollup.day_retention=30d
assert_contains "$ERR" "day_retention must be at least raw_retention + 7d" "day_retention too short"
expect_exit 2 mj config --set job.usage-threshold-check.mail_thresholds=90
assert_contains "$ERR" "90 is not one of thresholds" "mail threshold not among thresholds"
MAILJOBS_JOB_USAGE_THRESHOLD_CHECK_THRESHOLDS=60,abc expect_exit 2 mj config
assert_contains "$ERR" "'abc' is not a percentage 1..1000" "threshold not a number"
assert_eq "$(db_sha)" "$sha" "the refused commands left the database unchanged"
