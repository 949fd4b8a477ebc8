# bandwidth-rollup: on random data the day and week rollups equal a brute-force GROUP BY over
# bandwidth_usage, after the first run, after new and late rows (a day 40 d back, yesterday,
# today), and after reruns; a rerun changes nothing (not even updated_at), in small batches too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/usage.bash"
cat >> jobs.ini <<'INI'
[job.bandwidth-rollup]
raw_retention = 400d
day_retention = 500d
batch_size = 37
INI
init_db
add_users 12
add_usage 20000 90 12
expect_exit 0 mj run bandwidth-rollup --now $NOW
assert_eq "$(rollup_diff)" "0 0" "first run: day and week rollups = brute-force sums"
assert_ge "$(sql "SELECT count(*) FROM bandwidth_rollups WHERE period = 'week'")" 12 "weeks were written"
assert_eq "$(sql "SELECT CAST(json_extract(cursor, '$.after_id') AS INTEGER) = (SELECT max(id) FROM bandwidth_usage) FROM job_state WHERE job = 'bandwidth-rollup'")" 1 \
  "watermark at the newest row"
before=$(rollup_dump)
expect_exit 0 mj run bandwidth-rollup --now $((NOW + 60))
assert_eq "$(rollup_dump)" "$before" "rerun: every rollup row unchanged"
assert_eq "$(sql "SELECT changed FROM job_runs WHERE job = 'bandwidth-rollup' ORDER BY id DESC LIMIT 1")" 0 "rerun changed nothing"

# New rows today, late rows for yesterday and for 40 days back (beyond the 2 d lateness: the
# watermark finds them), and one for a user without any row so far.
sql "INSERT INTO bandwidth_usage(user_id, bytes, emails, recorded_at) VALUES
     (3, 111, 1, $NOW - 40*$D), (3, 222, 2, $NOW - $D), (12, 5, 1, $NOW - 40*$D + 7), (11, 9, 1, $NOW + 30)"
add_usage 500 1 12
expect_exit 0 mj run bandwidth-rollup --now $((NOW + 3600))
assert_eq "$(rollup_diff)" "0 0" "after new and late rows"
assert_eq "$(sql "SELECT bytes_used FROM bandwidth_rollups WHERE user_id = 3 AND period = 'day' AND period_start = ($NOW - 40*$D) / $D * $D")" \
  "$(sql "SELECT sum(bytes) FROM bandwidth_usage WHERE user_id = 3 AND recorded_at / $D = ($NOW - 40*$D) / $D")" "the late row's day"
windows=$(last_counts bandwidth-rollup)
assert_contains "$windows" '"windows"' "history counts the windows recomputed"
# A run that only recomputes the lateness stretch and the new windows: far fewer than the first.
first=$(sql "SELECT examined FROM job_runs WHERE job = 'bandwidth-rollup' ORDER BY id LIMIT 1")
latest=$(sql "SELECT examined FROM job_runs WHERE job = 'bandwidth-rollup' ORDER BY id DESC LIMIT 1")
assert_le "$((latest * 5))" "$first" "cost follows what is new (windows: $latest vs first run $first)"
before=$(rollup_dump)
expect_exit 0 mj run bandwidth-rollup --now $((NOW + 3700))
assert_eq "$(rollup_dump)" "$before" "second rerun: unchanged"

# An application that corrects a row in place within the lateness (deletes it): the day follows.
sql "DELETE FROM bandwidth_usage WHERE id = (SELECT max(id) FROM bandwidth_usage WHERE recorded_at < $NOW)"
expect_exit 0 mj run bandwidth-rollup --now $((NOW + 7200))
assert_eq "$(rollup_diff)" "0 0" "a row deleted within the lateness is taken out"
