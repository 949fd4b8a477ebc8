# `mailjobs unlock JOB` refuses a live lease (exit 4) unless --force; removes a dead one.
. "$(dirname "$0")/lib.sh"
init_db
sleep 60 & live=$!
host=$(uname -n)
sql "INSERT INTO job_locks(job, owner, host, pid, acquired_at, heartbeat_at, expires_at)
     VALUES('session-cleanup', '$host:$live:abc', '$host', $live, strftime('%s','now'), strftime('%s','now'), strftime('%s','now') + 600)"
expect_exit 0 mj status
assert_contains "$OUT" "running"
expect_exit 4 mj run session-cleanup
expect_exit 4 mj unlock session-cleanup
assert_contains "$ERR" "is held by a live run"
assert_eq "$(sql "SELECT count(*) FROM job_locks")" 1 "lease kept"
expect_exit 0 mj unlock session-cleanup --force
assert_eq "$(sql "SELECT count(*) FROM job_locks")" 0 "lease removed with --force"
kill $live
# status JOB shows just that job; an unknown job is a usage error
expect_exit 0 mj status session-cleanup --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print([j['name'] for j in json.load(sys.stdin)['jobs']])" <<<"$OUT")" "['session-cleanup']" "status JOB"
expect_exit 2 mj status sesion-cleanup
