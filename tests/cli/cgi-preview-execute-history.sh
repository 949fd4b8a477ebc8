# Through lighttpd: /cleanup/stats counts what sqlite3 counts; /cleanup/preview says what
# POST /cleanup/execute then deletes; execute deletes exactly the expired rows; /cleanup/history
# shows the runs with trigger "api"; a dryRun execute deletes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
NOW=$(date +%s)   # the CGI uses the real clock
init_db
enable_api
add_users 50
add_sessions 700 $((NOW - 10*86400)) $((NOW - 10*86400))   # expired
add_sessions 300 $((NOW + 86400)) $((NOW - 60))             # alive
sql "INSERT INTO magic_links(user_id, token_hash, created_at, expires_at) VALUES
       (1, 'old', $((NOW - 50*86400)), $((NOW - 49*86400))), (2, 'live', $((NOW - 60)), $((NOW + 3600)));"
start_lighttpd

authed GET /cleanup/stats
assert_eq "$STATUS" 200 "stats"
assert_contains "$HEADERS" "Content-Type: application/json"
assert_eq "$(j '.tables[] | select(.table == "sessions") | .rows')" "$(sql 'SELECT count(*) FROM sessions')" "stats rows = sqlite3 count"
# the table's own bytes: SQLite's dbstat pages, PostgreSQL's pg_table_size
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then size_q="SELECT pg_table_size('sessions')"
else size_q="SELECT sum(pgsize) FROM dbstat WHERE name = 'sessions'"; fi
assert_eq "$(j '.tables[] | select(.table == "sessions") | .bytes')" "$(sql "$size_q")" "stats bytes = dbstat"
authed GET '/cleanup/stats?bytes=false'
assert_eq "$(j '.tables[] | select(.table == "sessions") | .bytes')" null "bytes=false"

authed GET /cleanup/preview
assert_eq "$STATUS" 200 "preview"
preview=$BODY
assert_eq "$(j '.jobs[] | select(.job == "session-cleanup") | .wouldDelete.sessions')" 700 "sessions that would go"
assert_eq "$(j '.jobs[] | select(.job == "magic-link-expiry") | .wouldDelete.magic_links')" 1 "magic links that would go"
assert_eq "$(sql 'SELECT count(*) FROM job_runs')" 0 "preview writes no history"
authed GET '/cleanup/preview?job=magic-link-expiry&olderThan=1m'
assert_eq "$(j -c '[.jobs[].job]')" '["magic-link-expiry"]' "job= narrows the preview"
assert_eq "$(j .olderThan)" 1m "olderThan"

# dry run first: counts, deletes nothing, history row marked dry-run
authed POST /cleanup/execute -H 'Content-Type: application/json' --data '{"dryRun": true}'
assert_eq "$STATUS" 200 "dry-run execute"
assert_eq "$(j .dryRun)" true "dryRun echoed"
assert_eq "$(j '.jobs[] | select(.job == "session-cleanup") | .deleted.sessions')" 700 "dry-run count"
assert_eq "$(sql 'SELECT count(*) FROM sessions')" 1000 "dry run deleted nothing"

authed POST /cleanup/execute -H 'Content-Type: application/json' --data '{}'
assert_eq "$STATUS" 200 "execute"
assert_eq "$(j .success)" true "success"
assert_eq "$(j .trigger)" api "trigger"
for job in session-cleanup magic-link-expiry; do
  assert_eq "$(j -c ".jobs[] | select(.job == \"$job\") | .deleted")" \
            "$(jq -c ".jobs[] | select(.job == \"$job\") | .wouldDelete" <<<"$preview")" "$job deleted what preview said"
done
assert_eq "$(sql 'SELECT count(*) FROM sessions')" 300 "sessions left"
assert_eq "$(sql "SELECT count(*) FROM sessions WHERE expires_at < $NOW")" 0 "no expired session left"
assert_eq "$(sql 'SELECT token_hash FROM magic_links')" live "magic links left"

# an empty body means the same as {} (every cleanup job, its configured age)
authed POST /cleanup/execute --data ''
assert_eq "$STATUS" 200 "execute without a body"
assert_eq "$(j .totalDeleted)" 0 "rerun deletes nothing"

authed GET '/cleanup/history?limit=3'
assert_eq "$STATUS" 200 "history"
assert_eq "$(j '.runs | length')" 3 "limit"
assert_eq "$(j -c '[.runs[].trigger] | unique')" '["api"]' "trigger api"
assert_eq "$(j '.runs[0].runId')" "$(sql "SELECT max(id) FROM job_runs")" "newest first"
n=$(jq '.jobs | length' <<<"$preview")   # every cleanup job in the registry runs on each execute
authed GET /cleanup/history
assert_eq "$(j '.runs | length')" 10 "default limit"
authed GET '/cleanup/history?limit=1000'
assert_eq "$(j '.runs | length')" $((3 * n)) "3 executes x every cleanup job"
assert_eq "$(j '[.runs[] | select(.job == "session-cleanup" and .dryRun == false and .changed == 700)] | length')" 1 "the real run with its count"
assert_eq "$(j '[.runs[] | select(.job == "session-cleanup" and .dryRun == true)] | length')" 1 "the dry run"
assert_eq "$(j '.runs[] | select(.job == "session-cleanup" and .dryRun == false and .changed == 700) | .deleted.sessions')" 700 "deleted counts"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE trigger = 'api'")" $((3 * n)) "job_runs trigger api"

authed GET /cleanup/status
assert_eq "$(j .lastRun.runId)" "$(sql 'SELECT max(id) FROM job_runs')" "status: last run"
assert_eq "$(j .lastRun.trigger)" api "status: last run trigger"
