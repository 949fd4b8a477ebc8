# The next due time is stored per job: ticks stepped with --now run a daily job once a day, and
# after three days without ticks it runs once, not three times. Daily jobs are staggered.
. "$(dirname "$0")/lib.sh"
init_db
d0=$(( (NOW / 86400) * 86400 ))   # a UTC midnight
runs() { sql "SELECT count(*) FROM job_runs WHERE job='$1'"; }
expect_exit 0 mj tick --now $((d0 + 10*3600))
assert_eq "$(runs session-cleanup)" 1 "first tick runs every job once"
assert_eq "$(runs magic-link-expiry)" 1
due=$(sql "SELECT next_due_at FROM job_state WHERE job='session-cleanup'")
# @daily with a deterministic stagger within the first three hours of the next day
assert_ge "$due" $((d0 + 86400)) "next due"
assert_le "$due" $((d0 + 86400 + 3*3600)) "next due"
due2=$(sql "SELECT next_due_at FROM job_state WHERE job='magic-link-expiry'")
[ "$due" != "$due2" ] || fail "two daily jobs got the same stagger"
expect_exit 0 mj tick --now $((d0 + 23*3600))
assert_eq "$(runs session-cleanup)" 1 "nothing due later that day"
expect_exit 0 mj tick --now $((d0 + 86400 + 4*3600))
assert_eq "$(runs session-cleanup)" 2 "runs the next day"
# three days without ticks: one run, not three
expect_exit 0 mj tick --now $((d0 + 4*86400 + 4*3600))
assert_eq "$(runs session-cleanup)" 3 "catch-up runs once"
assert_eq "$(runs magic-link-expiry)" 3
expect_exit 0 mj tick --now $((d0 + 4*86400 + 5*3600))
assert_eq "$(runs session-cleanup)" 3 "and not again"
# nothing ran on the no-op ticks: silent stdout for cron
assert_eq "$OUT" "" "tick output"
