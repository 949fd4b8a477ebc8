# 8 concurrent `mailjobs run session-cleanup` on one database: exactly one does the work, the
# other 7 exit with the lock-held code (4), and history shows all eight.
. "$(dirname "$0")/lib.sh"
init_db
add_users 100
add_sessions 150000 $((NOW - 10*86400)) $((NOW - 10*86400))   # expired 10 days ago
add_sessions 500 $((NOW + 86400)) $((NOW - 60))                 # live
for i in 1 2 3 4 5 6 7 8; do
  ( set +e; "$MJ" run session-cleanup --now $NOW >"out.$i" 2>"err.$i"; echo $? >"rc.$i" ) &
done
wait
ok=0; locked=0
for i in 1 2 3 4 5 6 7 8; do
  case $(cat "rc.$i") in 0) ok=$((ok+1)) ;; 4) locked=$((locked+1)) ;; *) fail "run $i exited $(cat rc.$i): $(cat err.$i)" ;; esac
done
assert_eq "$ok" 1 "runs that did the work"
assert_eq "$locked" 7 "runs refused with lock held"
assert_eq "$(sql "SELECT count(*) FROM sessions")" 500 "sessions left"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE job='session-cleanup' AND outcome='done' AND changed=150000")" 1 "history: the winner"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE job='session-cleanup' AND outcome='skipped' AND exit_reason='lock held' AND changed=0")" 7 "history: lock held"
assert_eq "$(sql "SELECT count(*) FROM job_locks")" 0 "leases released"
