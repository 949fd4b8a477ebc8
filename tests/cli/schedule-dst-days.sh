# Cron expressions in a timezone across DST changes (America/New_York, 2026):
# spring forward 2026-03-08 02:00 -> 03:00: "30 2 * * *" runs at 03:00 EDT (07:00 UTC);
# fall back 2026-11-01 02:00 -> 01:00: "30 1 * * *" runs once, at the first 01:30 (05:30 UTC).
. "$(dirname "$0")/lib.sh"
cat >> jobs.ini <<'INI'
timezone = America/New_York
[job.magic-link-expiry]
enabled = false
[job.session-cleanup]
schedule = 30 2 * * *
INI
init_db
runs() { sql "SELECT count(*) FROM job_runs WHERE job='session-cleanup'"; }
expect_exit 0 mj tick --now 2026-03-07T12:00:00Z
assert_eq "$(runs)" 0 "an explicit time does not run on the first tick (issue 12.7)"
assert_eq "$(sql "SELECT next_due_at FROM job_state WHERE job='session-cleanup'")" "$(date -ud 2026-03-08T07:00:00Z +%s)" "due at the end of the gap"
expect_exit 0 mj tick --now 2026-03-08T06:59:00Z
assert_eq "$(runs)" 0 "not before"
expect_exit 0 mj tick --now 2026-03-08T07:00:00Z
assert_eq "$(runs)" 1 "runs once on the spring-forward day"
assert_eq "$(sql "SELECT next_due_at FROM job_state WHERE job='session-cleanup'")" "$(date -ud 2026-03-09T06:30:00Z +%s)" "02:30 EDT next day"

sed -i 's/^schedule = 30 2 \* \* \*/schedule = 30 1 * * */' jobs.ini
expect_exit 0 mj tick --now 2026-10-31T12:00:00Z
n=$(runs)
assert_eq "$(sql "SELECT next_due_at FROM job_state WHERE job='session-cleanup'")" "$(date -ud 2026-11-01T05:30:00Z +%s)" "first 01:30 (EDT)"
expect_exit 0 mj tick --now 2026-11-01T05:30:00Z
assert_eq "$(runs)" $((n + 1))
expect_exit 0 mj tick --now 2026-11-01T06:30:00Z
assert_eq "$(runs)" $((n + 1)) "the repeated 01:30 (EST) does not run again"
assert_eq "$(sql "SELECT next_due_at FROM job_state WHERE job='session-cleanup'")" "$(date -ud 2026-11-02T06:30:00Z +%s)" "next day 01:30 EST"
