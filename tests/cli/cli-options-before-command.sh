# Common options before the command work as after it (issue 16): `mailjobs --config F migrate`
# used to say "unknown command '--config'".
. "$(dirname "$0")/lib.sh"
mkdir other
cat > other.ini <<'INI'
[general]
database = other/x.db
log_file = other/x.log
INI
expect_exit 0 mj --config other.ini migrate
[ -f other/x.db ] || fail "--config before migrate: other/x.db not created"
[ ! -f var/mailjobs.db ] || fail "--config before the command was ignored (./jobs.ini used)"
# = form, several options, and the command's own options after it
expect_exit 0 mj --config=other.ini --set job.vacuum.enabled=false -q config --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; v=json.load(sys.stdin)['values']['job.vacuum']['enabled']; print(v['value'] + ' ' + v['origin'])" <<<"$OUT")" "false cli" "--set before the command"
expect_exit 0 mj --database other/x.db --json status
assert_contains "$OUT" '"jobs"'
# the same options after the command still work
expect_exit 0 mj status --json --database other/x.db
# bad options before the command: one line, exit 2
expect_exit 2 mj --config
assert_contains "$ERR" "--config needs a value"
expect_exit 2 mj --dry-run run vacuum
assert_contains "$ERR" "unknown option '--dry-run' before the command"
assert_eq "$(wc -l <<<"$ERR")" 1 "one error line"
# options but no command: the usage, exit 2
expect_exit 2 mj --json
assert_contains "$OUT" "usage: mailjobs"
