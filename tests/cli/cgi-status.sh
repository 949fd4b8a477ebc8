# GET /status answers what `mailjobs status --json` prints; GET /cleanup/status and
# `mailjobs cleanup status --json` agree too, idle and while a cleanup job holds its lease.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
NOW=$(date +%s)
init_db
enable_api
add_users 5
add_sessions 10 $((NOW - 10*86400)) $((NOW - 10*86400))
mj run session-cleanup >/dev/null
start_lighttpd
strip() { jq -S 'del(.now) | del(.jobs[]?.heartbeat_age_s, .jobs[]?.running_for_s)'; }

authed GET /status
assert_eq "$STATUS" 200 "/status"
assert_eq "$(strip <<<"$BODY")" "$(mj status --json | strip)" "/status = mailjobs status --json"
assert_eq "$(j '.jobs[] | select(.name == "session-cleanup") | .last_outcome')" done "last outcome"
authed GET /status?x=1
assert_eq "$STATUS" 400 "/status takes no parameters"

authed GET /cleanup/status
assert_eq "$BODY" "$(mj cleanup status --json)" "/cleanup/status = mailjobs cleanup status --json"
assert_eq "$(j .isCleanupRunning)" false "idle"
assert_eq "$(j .lastRun.job)" session-cleanup "last run"
assert_eq "$(j .lastRun.deleted.sessions)" 10 "last run counts"
assert_eq "$(j .lastRun.trigger)" manual "last run trigger"

sleep 300 & holder=$!
sql "INSERT INTO job_locks(job, owner, host, pid, run_id, acquired_at, heartbeat_at, expires_at)
     VALUES ('magic-link-expiry', 'other:$holder:beef', '$(uname -n)', $holder, 5, $NOW, $NOW, $((NOW + 600)));"
authed GET /cleanup/status
assert_eq "$(j .isCleanupRunning)" true "running"
assert_eq "$(j -c '[.runningJobs[] | [.job, .runId, .owner]]')" "[[\"magic-link-expiry\",5,\"other:$holder:beef\"]]" "running job"
assert_eq "$BODY" "$(mj cleanup status --json)" "CLI agrees while running"
authed GET /status
assert_eq "$(j '.jobs[] | select(.name == "magic-link-expiry") | .running')" true "/status shows it running"
# a lease of a process that is gone does not count
kill $holder; wait $holder 2>/dev/null || true
authed GET /cleanup/status
assert_eq "$(j .isCleanupRunning)" false "dead holder is not running"
