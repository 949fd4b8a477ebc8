# A postgresql:// database that mailjobs cannot use is refused before anything runs, with one line:
# exit 2 for a URL without a user or with a password in it (which `config` and `ps` would show;
# the password is never repeated), exit 3 for a server that does not answer. Nothing is created
# (no file named after the URL, no SQLite database instead). Runs without a PostgreSQL server.
# backend: sqlite-only: the URL is refused before any database is opened
. "$(dirname "$0")/lib.sh"
printf '[general]\ndatabase = postgresql://db.example/mailjobs\nlog_file = -\n' > jobs.ini
expect_exit 2 mj tick --now $NOW
assert_eq "$(wc -l <<<"$ERR")" 1 "one line"
assert_contains "$ERR" "mailjobs: error: general.database: the URL names no user"
expect_exit 2 mj status --database 'postgres://mail:hunter2@127.0.0.1/mailjobs'
assert_contains "$ERR" "the URL holds a password"
grep -q hunter2 <<<"$ERR$OUT" && fail "the password was repeated: $ERR"
expect_exit 2 mj migrate --database 'postgresql://mail@a.example,b.example/mailjobs'
assert_contains "$ERR" "several hosts"
# Port 1 on the loopback: nothing listens, the connection is refused at once.
expect_exit 3 mj tick --now $NOW --database 'postgresql://mail@127.0.0.1:1/mailjobs?passfile=/nonexistent'
assert_eq "$(wc -l <<<"$ERR")" 1 "one line"
assert_contains "$ERR" "mailjobs: error: cannot connect to PostgreSQL postgresql://mail@127.0.0.1:1/mailjobs"
# A host name is resolved by c-ares (the static binary never asks glibc): one that does not exist.
expect_exit 3 mj list --database 'postgresql://mail@no-such-host.invalid/mailjobs'
assert_contains "$ERR" "cannot resolve PostgreSQL host 'no-such-host.invalid'"
[ -z "$(find . -name '*mailjobs*' -path '*postgres*')" ] || fail "something was created for the URL"
[ ! -e var/mailjobs.db ] || fail "a SQLite database was created instead"
