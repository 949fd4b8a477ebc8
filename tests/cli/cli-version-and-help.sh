# `mailjobs --version` and `mailjobs help COMMAND` (issue 16).
# backend: sqlite-only: no database
. "$(dirname "$0")/lib.sh"
expect_exit 0 mj --version
[[ $OUT =~ ^mailjobs\ [^\ ]+$ ]] || fail "--version: '$OUT'"
version=$OUT
expect_exit 0 mj --config jobs.ini --version
assert_eq "$OUT" "$version" "--version after a common option"
expect_exit 0 mj help
assert_contains "$OUT" "usage: mailjobs [options] COMMAND"
# help COMMAND is that command's --help
expect_exit 0 mj help run
help_run=$OUT
assert_contains "$help_run" "--dry-run"
expect_exit 0 mj run --help
assert_eq "$OUT" "$help_run" "help run = run --help"
expect_exit 0 mj help status
assert_contains "$OUT" "--prom"
expect_exit 2 mj help stauts
assert_contains "$ERR" "unknown command 'stauts' (did you mean 'status'?)"
# the lists the completion uses: no config, no database
cd "$(mktemp -d)"
expect_exit 0 mj help --commands
assert_contains "$OUT" "migrate"
assert_contains "$OUT" "help"
expect_exit 0 mj help --jobs
assert_contains "$OUT" "forward-retry"
assert_eq "$(ls -A)" "" "help --jobs wrote no file"
