# A postgresql:// (or postgres://) database is not supported yet: every command that opens the
# database says so and exits 2, and nothing is created (no file named after the URL, no folder).
. "$(dirname "$0")/lib.sh"
printf '[general]\ndatabase = postgresql://mail@db.example/mailjobs\nlog_file = -\n' > jobs.ini
expect_exit 2 mj tick --now $NOW
assert_contains "$ERR" "mailjobs: error: general.database: PostgreSQL (postgresql://) is not supported yet"
expect_exit 2 mj migrate
assert_contains "$ERR" "PostgreSQL (postgresql://) is not supported yet"
expect_exit 2 mj status --database postgres://mail@db.example/mailjobs
assert_contains "$ERR" "PostgreSQL (postgres://) is not supported yet"
[ -z "$(find . -name '*mailjobs*' -path '*postgres*')" ] || fail "something was created for the URL"
[ ! -e var/mailjobs.db ] || fail "a SQLite database was created instead"
