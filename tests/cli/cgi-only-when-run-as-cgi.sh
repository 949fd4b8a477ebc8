# CGI mode needs GATEWAY_INTERFACE AND no arguments (RFC 3875: a web server passes none, or an
# ISINDEX query's words): `mailjobs run ...` with GATEWAY_INTERFACE inherited from a parent runs
# the command (its own exit codes), it does not answer as CGI with exit 0. The CGI never creates
# a database: a mistyped `database` answers 503 with a JSON error and leaves no file behind.
# A duplicate JSON key in the body is 400 (nothing runs); a 13-digit Content-Length is 413.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
NOW=$(date +%s)
init_db
enable_api
add_users 3
add_sessions 10 $((NOW - 10*86400)) $((NOW - 10*86400))

# inherited GATEWAY_INTERFACE: the command line wins
export GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/status
expect_exit 2 mj run no-such-job
assert_contains "$ERR" "mailjobs: error: unknown job" "a command's own error, not a CGI answer"
expect_exit 0 mj run session-cleanup --now $NOW
[[ $OUT != Status:* ]] || fail "answered as CGI: $OUT"
assert_eq "$(sql 'SELECT count(*) FROM sessions')" 0 "the job ran"
# no arguments: CGI (here straight from the shell, the way a web server starts it)
export MAILJOBS_CONFIG=$WORK/jobs.ini
expect_exit 0 mj
assert_contains "$OUT" "Status: 401" "no arguments is a CGI request"
# an ISINDEX query's words as argv (Apache does this for a query without '='): still CGI
QUERY_STRING=verbose expect_exit 0 mj verbose
assert_contains "$OUT" "Status: 401" "ISINDEX argv is a CGI request"
# a 13-digit Content-Length is too large (413), not malformed; letters are malformed (400)
for len in 1000000000000 99999999999999999999999; do
  REQUEST_METHOD=POST PATH_INFO=/cleanup/execute CONTENT_LENGTH=$len HTTP_AUTHORIZATION="Bearer $TOKEN" expect_exit 0 mj </dev/null
  assert_contains "$OUT" "Status: 413" "Content-Length $len"
done
REQUEST_METHOD=POST PATH_INFO=/cleanup/execute CONTENT_LENGTH=12x HTTP_AUTHORIZATION="Bearer $TOKEN" expect_exit 0 mj </dev/null
assert_contains "$OUT" "Status: 400" "Content-Length 12x"
unset GATEWAY_INTERFACE REQUEST_METHOD PATH_INFO MAILJOBS_CONFIG

start_lighttpd
add_sessions 10 $((NOW - 10*86400)) $((NOW - 10*86400))
runs=$(sql 'SELECT count(*) FROM job_runs')
authed POST /cleanup/execute -H 'Content-Type: application/json' --data '{"job": "session-cleanup", "dryRun": true, "dryRun": false}'
assert_eq "$STATUS" 400 "duplicate key"
assert_eq "$(j .error)" "bad JSON body: key 'dryRun' given twice" "duplicate key message"
assert_eq "$(sql 'SELECT count(*) FROM job_runs')" "$runs" "nothing ran"
assert_eq "$(sql 'SELECT count(*) FROM sessions')" 10 "nothing deleted"

# a mistyped database path: 503 and a JSON error, no file created, the real database untouched
# (on PostgreSQL: a mistyped database name, and no such database created on the server)
before=$(db_sha)
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then
  typo="/${PG_DB}_mistyped?" right="/$PG_DB?" missing="database \"${PG_DB}_mistyped\" does not exist"
  created() { pg_admin -At -c "SELECT count(*) FROM pg_database WHERE datname = '${PG_DB}_mistyped'" | grep -qx 1; }
else
  typo="database = var/mailjbos.db" right="database = var/mailjobs.db" missing="var/mailjbos.db' does not exist"
  created() { [ -e var/mailjbos.db ]; }
fi
sed -i "s|$right|$typo|" jobs.ini
for p in /status /cleanup/status /cleanup/stats; do
  authed GET $p
  assert_eq "$STATUS" 503 "$p with a missing database"
  assert_contains "$(j .error)" "$missing" "$p error"
done
authed POST /cleanup/execute -H 'Content-Type: application/json' --data '{"job": "session-cleanup"}'
assert_eq "$STATUS" 503 "execute with a missing database"
! created || fail "the CGI created a database"
assert_eq "$(db_sha)" "$before" "real database unchanged"
sed -i "s|$typo|$right|" jobs.ini
authed GET /status
assert_eq "$STATUS" 200 "the right path works"
