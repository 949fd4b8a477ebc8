# `mailjobs config` shows each value with its origin: default, jobs.ini:LINE, env, cli.
. "$(dirname "$0")/lib.sh"
cat >> jobs.ini <<'INI'
time_budget = 90s
[job.session-cleanup]
idle_timeout = 6h
batch_size = 50
INI
MAILJOBS_JOB_SESSION_CLEANUP_BATCH_SIZE=70 MAILJOBS_GENERAL_TIMEZONE=Europe/Berlin \
  expect_exit 0 mj config --json --set general.busy_timeout=9s
origin() { /usr/bin/python3 -c "import json,sys; v=json.load(sys.stdin)['values']['$1']['$2']; print(v['value'] + ' ' + v['origin'])" <<<"$OUT"; }
assert_eq "$(origin general lease_grace)" "60s default"
assert_eq "$(origin general time_budget)" "90s jobs.ini:4"
assert_eq "$(origin job.session-cleanup idle_timeout)" "6h jobs.ini:6"
assert_eq "$(origin job.session-cleanup batch_size)" "70 env"
assert_eq "$(origin general timezone)" "Europe/Berlin env"
assert_eq "$(origin general busy_timeout)" "9s cli"
# text form names the origin on each line
expect_exit 0 mj config
assert_contains "$OUT" "idle_timeout = 6h"
assert_contains "$OUT" "; jobs.ini:6"
# and 6h is exactly 21600 seconds in effect: idle sessions seen 5h59m ago stay, 6h01m ago go
init_db
add_users 2
add_sessions 3 $((NOW + 86400)) $((NOW - 21600 + 60))
add_sessions 4 $((NOW + 86400)) $((NOW - 21600 - 60))
expect_exit 0 mj run session-cleanup --now $NOW
assert_eq "$(sql "SELECT count(*) FROM sessions")" 3 "sessions idle less than 6h kept"
# secrets are never printed, only that they are set
printf '[api]\ntoken = s3cret-token-value-123456\n' >> jobs.ini
expect_exit 0 mj config
assert_contains "$OUT" "token = (set, hidden)"
grep -q "s3cret-token" <<<"$OUT" && fail "token printed by mailjobs config"
expect_exit 0 mj config --json
grep -q "s3cret-token" <<<"$OUT" && fail "token printed by mailjobs config --json"
true
