# Each tick samples the queues into queue_samples (one row per queue, the tick's clock);
# job-history-cleanup purges samples older than its cutoff with the job history. The charts page
# draws them, the rows purged per day, mail and webhook attempts per day and each job's longest
# run per day as inline SVG (no script, no data: URL needed).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
. "$(dirname "$0")/dashboard.bash"
NOW=$(date +%s)
init_db
enable_api
add_users 5
add_sessions 7 $((NOW - 10*86400)) $((NOW - 10*86400))
# one per user of add_users (on PostgreSQL add_sessions makes users 1..100 for its foreign keys)
sql "INSERT INTO failed_emails(user_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at, status, next_attempt_at)
     SELECT id, 'a@example.com', 'b@example.com', 'x', 1, $NOW, 'pending', $((NOW + 86400)) FROM users WHERE id <= 5"
mj tick --now "$((NOW - 3600))" >/dev/null
mj tick >/dev/null
assert_eq "$(sql "SELECT count(*) FROM queue_samples")" 6 "3 queues x 2 ticks"
assert_eq "$(sql "SELECT pending FROM queue_samples WHERE queue = 'failed_emails' ORDER BY id DESC LIMIT 1")" 5 "pending sampled"
assert_eq "$(sql "SELECT count(DISTINCT sampled_at) FROM queue_samples")" 2 "the tick's clock"
sql "INSERT INTO job_attempts(run_id, job, item_table, item_id, attempt, status_code, error, duration_ms, created_at) VALUES
       (1, 'webhook-retry', 'delivery_log', 1, 1, 500, 'HTTP 500', 30, $NOW),
       (1, 'webhook-retry', 'delivery_log', 2, 1, 200, NULL, 30, $NOW),
       (1, 'forward-retry', 'failed_emails', 1, 1, 250, NULL, 30, $NOW);"

start_lighttpd
sign_in
page /charts
assert_eq "$STATUS" 200 "charts"
assert_contains "$BODY" "<polyline" "queue depth line"
assert_contains "$BODY" "<title>failed_emails</title>" "queue series"
assert_contains "$BODY" ": 7</title>" "7 sessions purged today"
assert_contains "$BODY" "Webhook attempts per day" "webhook chart"
assert_contains "$BODY" "session-cleanup: longest run per day" "duration chart per job"
assert_eq "$(grep -o '<svg xmlns' <<<"$BODY" | wc -l | tr -d ' ')" "$(( 4 + $(sql "SELECT count(DISTINCT job) FROM job_runs WHERE started_at >= $NOW - 14*86400") ))" "one chart per job + 4"
! grep -q -e '<script' -e 'style="' <<<"$BODY" || fail "script or a style attribute (CSP) in the charts"

# purged with the job history: samples older than the cutoff go, newer ones stay
sql "INSERT INTO queue_samples(sampled_at, queue, pending, due) VALUES ($((NOW - 100*86400)), 'failed_emails', 1, 0),
                                                                      ($((NOW - 95*86400)), 'delivery_log', 2, 0);"
mj run job-history-cleanup >/dev/null
assert_eq "$(sql "SELECT count(*) FROM queue_samples WHERE sampled_at < $NOW - 90*86400")" 0 "old samples purged"
assert_eq "$(sql "SELECT count(*) FROM queue_samples")" 6 "recent samples kept"
