# Every problem of jobs.ini is listed with file:line (and a did-you-mean), exit 2, nothing runs,
# no file is touched.
. "$(dirname "$0")/lib.sh"
init_db
add_users 2
add_sessions 5 $((NOW - 10*86400)) $((NOW - 10*86400))
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
before=$(db_sha)
log_before=$(sha256sum var/mailjobs.log)
cat >> jobs.ini <<'INI'
time_budgte = 10s
[job.session-cleanup]
older_than = 30x
idle_timeout = -5d
batch_size = 0x
[job.magic-link-expiry]
older_than = 0
schedule =
[job.sesion-cleanup]
enabled = true
[general]
INI
expect_exit 2 mj tick --now $NOW
assert_contains "$ERR" "jobs.ini:4: unknown key 'time_budgte' in [general] (did you mean 'time_budget'?)"
assert_contains "$ERR" "jobs.ini:6: [job.session-cleanup] older_than: bad duration '30x'"
assert_contains "$ERR" "jobs.ini:7: [job.session-cleanup] idle_timeout: bad duration '-5d'"
assert_contains "$ERR" "jobs.ini:8: [job.session-cleanup] batch_size: expected a whole number"
assert_contains "$ERR" "jobs.ini:10: [job.magic-link-expiry] older_than: bad duration '0': must be greater than zero"
assert_contains "$ERR" "jobs.ini:11: [job.magic-link-expiry] schedule:"
assert_contains "$ERR" "jobs.ini:12: unknown section [job.sesion-cleanup] (did you mean [job.session-cleanup]?)"
assert_contains "$ERR" "mailjobs: error: 7 configuration problems; nothing was run"
expect_exit 2 mj run session-cleanup --now $NOW
expect_exit 2 mj config
assert_eq "$(db_sha)" "$before" "database file"
assert_eq "$(sha256sum var/mailjobs.log)" "$log_before" "log file"
# bad command-line values too
sed -i '4,$d' jobs.ini
expect_exit 2 mj run session-cleanup --older-than 30x
assert_contains "$ERR" "--older-than: bad duration '30x'"
expect_exit 2 mj run sesion-cleanup
assert_contains "$ERR" "unknown job 'sesion-cleanup' (did you mean 'session-cleanup'?)"
expect_exit 2 mj tik
assert_contains "$ERR" "did you mean 'tick'?"
expect_exit 2 mj run session-cleanup --now yesterday
assert_eq "$(sql "SELECT count(*) FROM sessions")" 5 "rows kept"
