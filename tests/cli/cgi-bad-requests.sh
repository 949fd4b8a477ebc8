# Through lighttpd, every bad request gets a clear JSON error with the right status and changes
# nothing: 405 + Allow for a wrong method, 404 for an unknown path, 400 for bad JSON, bad
# olderThan (30x), unknown parameters/fields, wrong types, an age without a job, 413 for a big body.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
NOW=$(date +%s)
init_db
enable_api
add_users 10
add_sessions 100 $((NOW - 10*86400)) $((NOW - 10*86400))
start_lighttpd
before=$(db_sha)
json=(-H 'Content-Type: application/json')

authed GET /cleanup/execute
assert_eq "$STATUS" 405 "GET on execute"
assert_contains "$HEADERS" "Allow: POST"
assert_contains "$(j .error)" "method GET not allowed on /cleanup/execute"
authed POST /cleanup/stats --data '{}'
assert_eq "$STATUS" 405 "POST on stats"
assert_contains "$HEADERS" "Allow: GET"
authed DELETE /cleanup/history
assert_eq "$STATUS" 405 "DELETE on history"

authed GET /cleanup/nothing
assert_eq "$STATUS" 404 "unknown path"
assert_contains "$(j .error)" "unknown path '/cleanup/nothing'"
assert_contains "$(j -c .endpoints)" '"POST /cleanup/execute"'
authed GET ""
assert_eq "$STATUS" 200 "the script without a path is the dashboard (issue 16)"
assert_contains "$HEADERS" "Content-Type: text/html"
authed GET /api/cleanup/status
assert_eq "$STATUS" 200 "seed 003's /api prefix is accepted"
authed GET /cleanup/status/
assert_eq "$STATUS" 200 "a trailing slash is accepted"

authed POST /cleanup/execute "${json[@]}" --data '{"job": "session-cleanup",'
assert_eq "$STATUS" 400 "bad JSON"
assert_contains "$(j .error)" "bad JSON body"
authed POST /cleanup/execute "${json[@]}" --data '[1, 2]'
assert_eq "$STATUS" 400 "JSON that is not an object"
authed POST /cleanup/execute "${json[@]}" --data '{"job": "session-cleanup", "olderThan": "30x"}'
assert_eq "$STATUS" 400 "olderThan=30x in the body"
assert_contains "$(j .error)" "olderThan: bad duration '30x'"
authed POST /cleanup/execute "${json[@]}" --data '{"job": "session-cleanup", "olderThan": 30}'
assert_eq "$STATUS" 400 "olderThan as a number"
assert_contains "$(j .error)" "olderThan must be a string"
authed POST /cleanup/execute "${json[@]}" --data '{"dryRun": "no"}'
assert_eq "$STATUS" 400 "dryRun as a string"
authed POST /cleanup/execute "${json[@]}" --data '{"dry_run": true}'
assert_eq "$STATUS" 400 "unknown field"
assert_contains "$(j .error)" "unknown field 'dry_run'"
authed POST /cleanup/execute "${json[@]}" --data '{"olderThan": "1d"}'
assert_eq "$STATUS" 400 "an age for every job at once"
assert_contains "$(j .error)" "needs a job"
authed POST /cleanup/execute "${json[@]}" --data '{"job": "sesion-cleanup"}'
assert_eq "$STATUS" 400 "unknown job"
assert_contains "$(j .error)" "did you mean 'session-cleanup'"
authed POST /cleanup/execute "${json[@]}" --data-binary @<(head -c 70000 /dev/zero | tr '\0' ' ')
assert_eq "$STATUS" 413 "body too large"
assert_contains "$(j .error)" "too large"

authed GET '/cleanup/preview?olderThan=30x'
assert_eq "$STATUS" 400 "olderThan=30x"
assert_contains "$(j .error)" "olderThan: bad duration '30x'"
authed GET '/cleanup/preview?olderThan=-5d'
assert_eq "$STATUS" 400 "olderThan=-5d"
authed GET '/cleanup/preview?olderthan=1d'
assert_eq "$STATUS" 400 "unknown parameter"
assert_contains "$(j .error)" "did you mean 'olderThan'"
authed GET '/cleanup/preview?job=a&job=b'
assert_eq "$STATUS" 400 "repeated parameter"
authed GET '/cleanup/history?limit=0'
assert_eq "$STATUS" 400 "limit=0"
authed GET '/cleanup/history?limit=abc'
assert_eq "$STATUS" 400 "limit=abc"
authed GET '/cleanup/stats?bytes=maybe'
assert_eq "$STATUS" 400 "bytes=maybe"
authed GET '/cleanup/preview?job=%zz'
assert_eq "$STATUS" 400 "bad %-escape"

# every error was JSON, and nothing ran or changed
assert_eq "$(sql 'SELECT count(*) FROM sessions')" 100 "sessions untouched"
assert_eq "$(sql 'SELECT count(*) FROM job_runs')" 0 "no run recorded"
assert_eq "$(db_sha)" "$before" "database file unchanged"
