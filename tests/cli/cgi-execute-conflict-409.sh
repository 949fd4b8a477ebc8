# POST /cleanup/execute while a conflicting job runs: 409, the blocked job "skipped" with the
# reason, the others done; /cleanup/status says what runs; history records exit reason conflict.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
NOW=$(date +%s)
init_db
enable_api
add_users 10
sql "INSERT INTO failed_emails(user_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at, status, failed_at)
     VALUES (1, 'a@example.com', 'b@example.org', 'x', 1, $((NOW - 30*86400)), 'failed', $((NOW - 29*86400)));"
sql "INSERT INTO magic_links(user_id, token_hash, created_at, expires_at) VALUES (1, 'old', $((NOW - 50*86400)), $((NOW - 49*86400)));"
sleep 300 & holder=$!
sql "INSERT INTO job_locks(job, owner, host, pid, run_id, acquired_at, heartbeat_at, expires_at)
     VALUES ('forward-retry', 'other:$holder:feedface', '$(uname -n)', $holder, 12, $NOW, $NOW, $((NOW + 600)));"
start_lighttpd

authed GET /cleanup/status
assert_eq "$(j .isConflictingJobRunning)" true "status: conflicting job"
assert_eq "$(j -c '.conflictingJobsRunning[0] | [.job, .blocks]')" '["forward-retry",["failed-email-expiry"]]' "status: who blocks what"
assert_eq "$(j .isCleanupRunning)" false "status: no cleanup running"

authed POST /cleanup/execute -H 'Content-Type: application/json' --data '{}'
assert_eq "$STATUS" 409 "execute with a conflict"
assert_eq "$(j -r '.jobs[] | select(.job == "failed-email-expiry") | .outcome + "/" + .exitReason + "/" + .reason')" \
  "skipped/conflict/conflicting job forward-retry is running" "skipped with the reason"
assert_eq "$(j -r '.jobs[] | select(.job == "magic-link-expiry") | .outcome')" done "others ran"
assert_eq "$(sql 'SELECT count(*) FROM magic_links')" 0 "magic link purged"
assert_eq "$(sql 'SELECT count(*) FROM failed_emails')" 1 "failed email kept"

authed POST /cleanup/execute -H 'Content-Type: application/json' --data '{"job": "failed-email-expiry"}'
assert_eq "$STATUS" 409 "the blocked job alone"

authed GET /cleanup/history
assert_eq "$(j -r '[.runs[] | select(.job == "failed-email-expiry")][0] | .trigger + "/" + .exitReason')" "api/conflict" "history: exit reason conflict"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE job = 'failed-email-expiry' AND exit_reason = 'conflict' AND trigger = 'api'")" 2 "job_runs"
