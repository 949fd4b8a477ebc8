# kill -9 in the middle of a run leaves its lease behind. The next run on the same host takes it
# over at once (the owner pid is gone) and finishes; a lease of a live owner elsewhere is honoured
# until it expires. No row that should stay is gone, none that should go is left.
. "$(dirname "$0")/lib.sh"
init_db
add_users 100
add_sessions 300000 $((NOW - 10*86400)) $((NOW - 10*86400))
add_sessions 700 $((NOW + 86400)) $((NOW - 60))
"$MJ" run session-cleanup --now $NOW --set job.session-cleanup.batch_size=200 >/dev/null 2>&1 &
pid=$!
# wait until it has committed some batches, then kill it hard
for _ in $(seq 1 200); do
  n=$(sql "SELECT count(*) FROM sessions" 2>/dev/null || echo 300700)
  [ "$n" -lt 299000 ] && break; sleep 0.02
done
kill -9 $pid; wait $pid 2>/dev/null || true
left=$(sql "SELECT count(*) FROM sessions")
[ "$left" -gt 700 ] || fail "run finished before the kill; cannot test takeover (left $left)"
assert_eq "$(sql "SELECT count(*) FROM job_locks WHERE job='session-cleanup'")" 1 "lease left behind by kill -9"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE outcome='running'")" 1 "the killed run stays 'running' in history"
# the pid is dead on this host: taken over immediately
expect_exit 0 mj run session-cleanup --now $NOW
assert_eq "$(sql "SELECT count(*) FROM sessions")" 700 "only live sessions remain"
assert_eq "$(sql "SELECT count(*) FROM sessions WHERE expires_at < $NOW")" 0 "no expired session left"

# A lease held by another host is honoured while it is live, taken over once it expired.
sql "INSERT INTO job_locks(job, owner, host, pid, acquired_at, heartbeat_at, expires_at)
     VALUES('session-cleanup', 'other:1:x', 'other-host', 1, strftime('%s','now'), strftime('%s','now'), strftime('%s','now') + 2)"
expect_exit 4 mj run session-cleanup --now $NOW
sleep 3
expect_exit 0 mj run session-cleanup --now $NOW
assert_eq "$(sql "SELECT count(*) FROM job_locks")" 0 "lease released after takeover"
