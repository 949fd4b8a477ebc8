# issue 12.6: interval schedules stay on their own grid when cron starts ticks at :00 or :01.
# 15-minute ticks over 25 hours, each starting 0 or 1 s past its quarter hour: `every 15m`
# runs on every tick, and `every 24h` stays at the same second of the day (under the old
# next = now + interval rule, ticks 1 s early were missed: 15m ran on about 2/3 of the ticks
# and 24h walked 15 minutes later each day).
. "$(dirname "$0")/lib.sh"
{
  for j in session-cleanup magic-link-expiry failed-email-expiry spam-quarantine-expiry message-cleanup \
           notification-cleanup retention-policies job-history-cleanup vacuum alias-expiry overflow-hold-expiry \
           message-log-cleanup header-snapshot-cleanup audit-log-cleanup destination-verification-expiry \
           notification-delivery webhook-retry; do
    printf '[job.%s]\nenabled = false\n' "$j"
  done
  printf '[job.forward-retry]\nschedule = every 15m\n[job.delivery-log-cleanup]\nschedule = every 24h\n'
} >> jobs.ini
init_db
d0=$(( (NOW / 86400) * 86400 ))   # a UTC midnight
runs() { sql "SELECT count(DISTINCT clock_at) FROM job_runs WHERE job='$1'"; }  # ticks it ran in (a tick may give two turns)
ticks=100
for i in $(seq 0 $((ticks - 1))); do
  jitter=$(( (i * 7919) % 3 == 0 ? 0 : 1 ))
  mj tick --now $(( d0 + 3600 + i * 900 + jitter )) >/dev/null 2>&1 || fail "tick $i failed"
done
assert_eq "$(runs forward-retry)" $ticks "every 15m runs on every jittered 15-minute tick"
# every 24h: the first tick, then once on the next day; its grid (the epoch plus its per-job
# stagger) never moves, so every later run comes at the same second of the day (+-1 s jitter)
assert_eq "$(runs delivery-log-cleanup)" 2 "every 24h: twice in 25 hours"
spread=$(sql "SELECT max(m) - min(m) FROM (SELECT clock_at % 86400 AS m FROM job_runs WHERE job='delivery-log-cleanup'
  AND id > (SELECT min(id) FROM job_runs WHERE job='delivery-log-cleanup')) AS q0")
assert_le "$spread" 1 "daily runs at the same time of day"
due=$(sql "SELECT next_due_at FROM job_state WHERE job='delivery-log-cleanup'")
last=$(sql "SELECT max(clock_at) FROM job_runs WHERE job='delivery-log-cleanup'")
assert_le $(( due - last )) 86400 "next slot within a day of the last run"
assert_ge $(( due - last )) $(( 86400 - 900 )) "next slot a day after the last run's slot"
fq=$(sql "SELECT next_due_at FROM job_state WHERE job='forward-retry'")
assert_eq $(( fq % 900 )) 0 "every 15m stays on the quarter hours"
# a long pause runs the job once and keeps the grid
mj tick --now $(( d0 + 3 * 86400 + 7 )) >/dev/null
assert_eq "$(runs forward-retry)" $((ticks + 1)) "one run after a pause of two days"
assert_eq "$(sql "SELECT next_due_at FROM job_state WHERE job='forward-retry'")" $(( d0 + 3 * 86400 + 900 )) "next quarter hour"
mj tick --now $(( d0 + 3 * 86400 + 60 )) >/dev/null
assert_eq "$(runs forward-retry)" $((ticks + 1)) "not again before its slot"
# 59 s early is on time (early tolerance min(60 s, interval/10)); 61 s early is not
mj tick --now $(( d0 + 3 * 86400 + 900 - 61 )) >/dev/null
assert_eq "$(runs forward-retry)" $((ticks + 1)) "61 s early is too early"
mj tick --now $(( d0 + 3 * 86400 + 900 - 59 )) >/dev/null
assert_eq "$(runs forward-retry)" $((ticks + 2)) "59 s early counts as due"
assert_eq "$(sql "SELECT next_due_at FROM job_state WHERE job='forward-retry'")" $(( d0 + 3 * 86400 + 1800 )) "and the grid holds"
