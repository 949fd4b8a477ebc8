# Helpers of the bandwidth-rollup and usage-threshold-check tests (issue 15).
D=86400
# add_usage N DAYS [USERS]: N random rows over the DAYS days before $NOW, users 1..USERS (10)
add_usage() {
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $1)
       INSERT INTO bandwidth_usage(user_id, bytes, emails, recorded_at)
       SELECT 1 + abs(random()) % ${3:-10}, abs(random()) % 100000, 1 + abs(random()) % 3,
              $NOW - abs(random()) % ($2 * 86400) FROM c"
}
# The rows of a brute-force GROUP BY over bandwidth_usage that the rollups do not hold, and the
# rollups it does not give: both 0 when the rollups are right.
brute_day="SELECT user_id, recorded_at - recorded_at % 86400, sum(bytes), sum(emails) FROM bandwidth_usage GROUP BY 1, 2"
roll_day="SELECT user_id, period_start, bytes_used, email_count FROM bandwidth_rollups WHERE period = 'day'"
brute_week="SELECT user_id, (recorded_at / 86400 - (recorded_at / 86400 + 3) % 7) * 86400, sum(bytes), sum(emails) FROM bandwidth_usage GROUP BY 1, 2"
roll_week="SELECT user_id, period_start, bytes_used, email_count FROM bandwidth_rollups WHERE period = 'week'"
rollup_diff() {
  sql "SELECT (SELECT count(*) FROM ($brute_day EXCEPT $roll_day) AS q1) + (SELECT count(*) FROM ($roll_day EXCEPT $brute_day) AS q2) + 0,
              (SELECT count(*) FROM ($brute_week EXCEPT $roll_week) AS q3) + (SELECT count(*) FROM ($roll_week EXCEPT $brute_week) AS q4)" | tr '|' ' '
}
rollup_dump() { sql "SELECT user_id, period, period_start, bytes_used, email_count, updated_at FROM bandwidth_rollups ORDER BY 1, 2, 3" | sha256sum | cut -d' ' -f1; }
last_counts() { sql "SELECT counts FROM job_runs WHERE job = '$1' ORDER BY id DESC LIMIT 1"; }
# t 2027-02-27T12:00 -> unix seconds (UTC)
t() { date -u -d "$1" +%s; }
# use USER BYTES WHEN: one raw usage row
use() { sql "INSERT INTO bandwidth_usage(user_id, bytes, recorded_at) VALUES ($1, $2, $(t "$3"))"; }
# quota_user ID QUOTA ANCHOR [STATUS]
quota_user() {
  sql "INSERT INTO users(id, email, quota_bytes, billing_anchor_day, status, created_at) VALUES
       ($1, 'user$1@example.com', $2, $3, '${4:-active}', $(t 2026-01-01))"
}
# events USER: "threshold/kind@cycle_start(ISO date)" of the user's events, in order
events() {
  sql "SELECT ifnull(group_concat(x, ' '), '-') FROM (SELECT threshold || '/' || kind || '@' || date(cycle_start, 'unixepoch') || '/' || quota_bytes AS x
       FROM usage_threshold_events WHERE user_id = $1 ORDER BY cycle_start, quota_bytes, kind, threshold) AS q0"
}
outbox_keys() { sql "SELECT ifnull(group_concat(dedupe_key, ' '), '-') FROM (SELECT dedupe_key FROM notification_outbox WHERE user_id = $1 ORDER BY id) AS q1"; }
check_at() { expect_exit 0 mj run usage-threshold-check --now "$1"; }
