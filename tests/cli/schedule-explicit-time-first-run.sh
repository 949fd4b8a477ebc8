# issue 12.7: a job with an explicit time ("0 2 * * *") runs first at that time on the clock of
# [general] timezone, not on the first tick after installation; @daily and intervals still run on
# the first tick. With timezone = Europe/Berlin, 02:00 is 01:00 UTC in winter and 00:00 UTC in summer.
. "$(dirname "$0")/lib.sh"
cat >> jobs.ini <<'INI'
timezone = Europe/Berlin
INI
# fresh_db: a new installation (PostgreSQL has no file to remove: the empty database saved here)
[ "${MJ_TEST_BACKEND:-sqlite}" != postgresql ] || db_save empty
fresh_db() { if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then db_restore empty; else rm -f var/mailjobs.db*; fi; init_db; }
init_db
runs() { sql "SELECT count(DISTINCT clock_at) FROM job_runs WHERE job='$1'"; }  # ticks it ran in (a tick may give two turns)
due() { sql "SELECT next_due_at FROM job_state WHERE job='$1'"; }
t() { date -ud "$1" +%s; }
# `run` by hand before the first tick leaves no due time behind (it is not a schedule)
expect_exit 0 mj run message-cleanup --now "$(t 2026-01-10T09:00:00Z)"
assert_eq "$(runs message-cleanup)" 1
expect_exit 0 mj tick --now "$(t 2026-01-10T10:00:00Z)"
assert_eq "$(runs message-cleanup)" 1 "0 2 * * * does not run on the first tick"
assert_eq "$(due message-cleanup)" "$(t 2026-01-11T01:00:00Z)" "first due at 02:00 Berlin (CET) = 01:00 UTC"
assert_eq "$(runs session-cleanup)" 1 "@daily runs on the first tick"
assert_eq "$(runs forward-retry)" 1 "an interval runs on the first tick"
expect_exit 0 mj tick --now "$(t 2026-01-11T00:59:00Z)"
assert_eq "$(runs message-cleanup)" 1 "not before its time"
expect_exit 0 mj tick --now "$(t 2026-01-11T01:00:30Z)"
assert_eq "$(runs message-cleanup)" 2 "runs at its time"
assert_eq "$(due message-cleanup)" "$(t 2026-01-12T01:00:00Z)" "then daily at 02:00 Berlin"

# summer (CEST): a fresh installation in July waits for 00:00 UTC
fresh_db
expect_exit 0 mj tick --now "$(t 2026-07-10T10:00:00Z)"
assert_eq "$(runs message-cleanup)" 0 "summer: not on the first tick"
assert_eq "$(due message-cleanup)" "$(t 2026-07-11T00:00:00Z)" "02:00 CEST = 00:00 UTC"
# a tick inside the minute of the explicit time on the day of installation runs it
fresh_db
expect_exit 0 mj tick --now "$(t 2026-07-11T00:00:40Z)"
assert_eq "$(runs message-cleanup)" 1 "the current minute counts"
