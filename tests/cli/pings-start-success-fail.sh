# [job.NAME] ping_url: a run sends /start?rid=UUID and, with the same rid, a success ping or
# /<exit status> on failure; the body names the run. Dry runs send nothing. A dead ping URL never
# fails a job nor holds it up for long.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
start_http_server
cat >> jobs.ini <<INI
[job.session-cleanup]
ping_url = $HTTP_URL/ping/0b6e7c1e-sessions
INI
init_db
add_users 10
add_sessions 20 $((NOW - 3*86400)) $((NOW - 3*86400))

expect_exit 0 mj run session-cleanup --dry-run --now $NOW
assert_eq "$(http_count)" 0 "no pings for a dry run"

expect_exit 0 mj run session-cleanup --now $NOW
run_id=$(sql "SELECT max(id) FROM job_runs")
assert_eq "$(http_py "[r['path'] for r in reqs]")" '["/ping/0b6e7c1e-sessions/start", "/ping/0b6e7c1e-sessions"]' "start, then success"
assert_eq "$(http_py "reqs[0]['query']['rid'] == reqs[1]['query']['rid']")" True "same rid"
assert_eq "$(http_py "__import__('re').fullmatch('[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}', reqs[0]['query']['rid'][0]) is not None")" True "rid is a canonical UUID"
assert_contains "$(http_py "reqs[1]['body']")" "session-cleanup run $run_id: done" "success body names the run"

# a real failure: /1 with the run's rid and the error
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then  # PostgreSQL's triggers are plpgsql functions
  sql "CREATE FUNCTION app_freeze() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'frozen'; END \$\$;
       CREATE TRIGGER app_freeze BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION app_freeze();"
else
  sql "CREATE TRIGGER app_freeze BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'frozen'); END;"
fi
add_sessions 5 $((NOW - 3*86400)) $((NOW - 3*86400))
expect_exit 1 mj run session-cleanup --now $NOW
run_id=$(sql "SELECT max(id) FROM job_runs")
assert_eq "$(http_py "[r['path'] for r in reqs[2:]]")" '["/ping/0b6e7c1e-sessions/start", "/ping/0b6e7c1e-sessions/1"]' "start, then /1"
assert_eq "$(http_py "reqs[2]['query']['rid'] == reqs[3]['query']['rid'] != reqs[0]['query']['rid']")" True "a new rid per run"
assert_contains "$(http_py "reqs[3]['body']")" "session-cleanup run $run_id: failed" "failure body"
assert_contains "$(http_py "reqs[3]['body']")" "frozen" "failure body has the error"
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then sql "DROP TRIGGER app_freeze ON sessions"  # PostgreSQL names the table
else sql "DROP TRIGGER app_freeze"; fi

# nothing listens at the ping URL: the run is done and not held up (two refused connections)
dead=$(free_port)
t0=$(date +%s%N)
expect_exit 0 env MAILJOBS_JOB_SESSION_CLEANUP_PING_URL="http://127.0.0.1:$dead/ping/secret-check-key" "$MJ" run session-cleanup --now $NOW
elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert_le "$elapsed_ms" 3000 "run time with a dead ping URL (ms)"
assert_eq "$(sql "SELECT outcome FROM job_runs ORDER BY id DESC LIMIT 1")" done "outcome with a dead ping URL"
assert_eq "$(sql "SELECT count(*) FROM sessions")" 0 "the job did its work"
assert_contains "$(cat var/mailjobs.log)" '"event":"ping_failed"' "warning logged"
assert_eq "$(grep -c "secret-check-key" var/mailjobs.log || true)" 0 "the ping URL's key is not logged"

# a ping receiver that hangs costs at most [alerts] ping_timeout per ping
http_rules '{"/ping": {"delay": 10}}'
t0=$(date +%s%N)
expect_exit 0 env MAILJOBS_ALERTS_PING_TIMEOUT=1s "$MJ" run session-cleanup --now $NOW
elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert_le "$elapsed_ms" 5000 "run time with a hanging ping receiver (ms)"
assert_eq "$(sql "SELECT outcome FROM job_runs ORDER BY id DESC LIMIT 1")" done "outcome with a hanging ping receiver"
