# A configuration that does not load, or a retention policy the schema refuses: doctor's config
# check fails naming it, exit 1 (issue 16).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/doctor.bash"
cp jobs.ini good.ini
echo "tim_budget = 5s" >> jobs.ini   # in [mail]: unknown key
expect_exit 1 mjd doctor
assert_check config FAIL "configuration problem"
assert_contains "$ERR" "jobs.ini:"
expect_exit 1 mjd doctor --json
assert_eq "$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ok"], d["checks"][0]["name"], d["checks"][0]["status"])' <<<"$OUT")" "False config fail"
cp good.ini jobs.ini
cat >> jobs.ini <<'INI'
[retention.app-events]
table = app_events_missing
time_column = created_at
older_than = 60d
INI
expect_exit 1 mjd doctor
assert_check config FAIL "retention policy problem"
assert_check database.schema "ok  "   # the other checks still ran
# a bad command-line option is still a usage error
expect_exit 2 mjd doctor --bogus
