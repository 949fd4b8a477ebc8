# The dashboard's actions: "make due now" without the session's CSRF token (or with another
# session's) is 403 and changes nothing; with it, next_due_at becomes now and the next tick runs
# the job (nothing runs inside the request). "Release a dead lease" removes a lease whose holder
# is gone, refuses (409) a live one and leaves it; read_only refuses both (403).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
. "$(dirname "$0")/dashboard.bash"
init_db
enable_api
NOW=$(date +%s)
later=$((NOW + 86400))  # as a tick stores it after a daily job ran
sql "INSERT INTO job_state(job, next_due_at) VALUES ('session-cleanup', $later)
     ON CONFLICT(job) DO UPDATE SET next_due_at = $later"
start_lighttpd
sign_in
page /jobs/session-cleanup
assert_eq "$STATUS" 200 "job page"
csrf=$(csrf_of)
[ ${#csrf} -eq 64 ] || fail "no CSRF token in the page: $BODY"

post_action /jobs/session-cleanup/due
assert_eq "$STATUS" 403 "no CSRF token"
assert_contains "$BODY" "CSRF"
last=${csrf: -1}; [ "$last" = 0 ] && other=1 || other=0
post_action /jobs/session-cleanup/due "${csrf%?}$other"
assert_eq "$STATUS" 403 "wrong CSRF token"
old_cookie=$COOKIE; sign_in; other_cookie=$COOKIE; COOKIE=$old_cookie
COOKIE=$other_cookie post_action /jobs/session-cleanup/due "$csrf"
assert_eq "$STATUS" 403 "another session's CSRF token"
assert_eq "$(sql "SELECT next_due_at FROM job_state WHERE job='session-cleanup'")" "$later" "unchanged"
runs=$(sql "SELECT count(*) FROM job_runs")

post_action /jobs/session-cleanup/due "$csrf"
assert_eq "$STATUS" 303 "make due now"
assert_contains "$HEADERS" "/cgi-bin/mailjobs.cgi/jobs/session-cleanup?done=due"
due=$(sql "SELECT next_due_at FROM job_state WHERE job='session-cleanup'")
assert_le "$due" "$(date +%s)" "due now"
assert_ge "$due" "$NOW" "due now"
assert_eq "$(sql "SELECT count(*) FROM job_runs")" "$runs" "nothing ran inside the request"
page "/jobs/session-cleanup?done=due"
assert_contains "$BODY" "Made due now"
mj tick >/dev/null
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE job='session-cleanup' AND trigger='cron'")" 1 "the tick ran it"

# a dead lease (a pid that is gone, on this host) is released
sleep 0.1 & dead=$!; wait $dead
sql "INSERT INTO job_locks(job, owner, host, pid, run_id, acquired_at, heartbeat_at, expires_at)
     VALUES ('vacuum', 'x:$dead:dead', '$(uname -n)', $dead, NULL, $NOW, $NOW, $((NOW + 600)));"
post_action /jobs/vacuum/release "$csrf"
assert_eq "$STATUS" 303 "release dead lease"
assert_contains "$HEADERS" "done=released"
assert_eq "$(sql "SELECT count(*) FROM job_locks WHERE job='vacuum'")" 0 "dead lease gone"
post_action /jobs/vacuum/release "$csrf"
assert_contains "$HEADERS" "done=no-lease"

# a live lease stays (409)
sleep 300 & holder=$!
sql "INSERT INTO job_locks(job, owner, host, pid, run_id, acquired_at, heartbeat_at, expires_at)
     VALUES ('vacuum', 'x:$holder:live', '$(uname -n)', $holder, NULL, $NOW, $NOW, $((NOW + 600)));"
post_action /jobs/vacuum/release "$csrf"
assert_eq "$STATUS" 409 "live lease"
assert_contains "$BODY" "held by a live run"
assert_eq "$(sql "SELECT owner FROM job_locks WHERE job='vacuum'")" "x:$holder:live" "live lease kept"
post_action /jobs/vacuum/release
assert_eq "$STATUS" 403 "release without CSRF"

# a script with the bearer token needs no CSRF token
authed POST /jobs/magic-link-expiry/due --data ''
assert_eq "$STATUS" 303 "bearer action"
# GET on an action is 405
page /jobs/vacuum/due
assert_eq "$STATUS" 405 "GET on an action"
assert_contains "$HEADERS" "Allow: POST"

# read_only: the buttons are disabled, the actions refused
printf '\n[dashboard]\nread_only = true\n' >> jobs.ini
page /jobs/session-cleanup
assert_contains "$BODY" "disabled"
before=$(sql "SELECT next_due_at FROM job_state WHERE job='session-cleanup'")
post_action /jobs/session-cleanup/due "$(csrf_of)"
assert_eq "$STATUS" 403 "read-only"
assert_contains "$BODY" "read-only"
assert_eq "$(sql "SELECT next_due_at FROM job_state WHERE job='session-cleanup'")" "$before" "read-only changed nothing"
kill $holder
# methods: a page takes GET/HEAD only, an action POST only, anything else is 405 with Allow
call PUT / -H "Authorization: Bearer $TOKEN"
assert_eq "$STATUS" 405 "PUT on a page"
assert_contains "$HEADERS" "Allow: GET, HEAD"
call DELETE /jobs/vacuum/due -H "Authorization: Bearer $TOKEN"
assert_eq "$STATUS" 405 "DELETE on an action"
assert_contains "$HEADERS" "Allow: POST"
call POST /runs -H "Authorization: Bearer $TOKEN" --data ''
assert_eq "$STATUS" 405 "POST on a page"
