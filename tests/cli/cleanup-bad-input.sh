# `mailjobs cleanup ...` refuses bad input with one clear line and exit 2, before anything runs:
# unknown action or job, a job of another group, an age for every job at once, a bad age, a flag
# of another action, a bad --limit. The database file stays byte-identical and no run is recorded.
. "$(dirname "$0")/lib.sh"
init_db
add_users 5
add_sessions 20 $((NOW - 10*86400)) $((NOW - 10*86400))
before=$(db_sha)
check() { assert_eq "$(db_sha)" "$before" "file unchanged after: $*"; }

expect_exit 2 mj cleanup purge
assert_contains "$ERR" "unknown cleanup action 'purge'"; check purge
expect_exit 2 mj cleanup preview --job sesion-cleanup
assert_contains "$ERR" "unknown cleanup job 'sesion-cleanup' (did you mean 'session-cleanup'?)"; check unknown job
expect_exit 2 mj cleanup execute --job forward-retry
assert_contains "$ERR" "job 'forward-retry' is not a cleanup job (group delivery)"; check other group
expect_exit 2 mj cleanup execute --older-than 1d --now $NOW
assert_contains "$ERR" "--older-than needs --job"; check age without job
expect_exit 2 mj cleanup execute --job session-cleanup --older-than 30x --now $NOW
assert_contains "$ERR" "--older-than: bad duration '30x'"; check bad age
expect_exit 2 mj cleanup preview --older-than -5d
assert_contains "$ERR" "bad duration"; check negative age
expect_exit 2 mj cleanup stats --older-than 1d
assert_contains "$ERR" "older-than"; check flag of another action
expect_exit 2 mj cleanup stats sessions
assert_contains "$ERR" "unexpected argument 'sessions'"; check extra argument
expect_exit 2 mj cleanup history --limit 0
assert_contains "$ERR" "--limit must be between 1 and 1000"; check limit
expect_exit 2 mj cleanup history --limit many
check limit text
assert_eq "$(sql 'SELECT count(*) FROM sessions')" 20 "sessions untouched"
assert_eq "$(sql 'SELECT count(*) FROM job_runs')" 0 "nothing ran"
