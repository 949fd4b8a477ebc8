# The jobs and commands made for the SQLite file, on a PostgreSQL server: backup and vacuum say what
# does their work there (pg_dump, autovacuum), write no file and succeed; restore refuses with exit 2
# and changes nothing (without the check it took the URL for a file name). PostgreSQL only: on
# SQLite the backup-*, vacuum-* and restore-* tests cover the same commands.
. "$(dirname "$0")/lib.sh"
[ "${MJ_TEST_BACKEND:-}" = postgresql ] || fail "run through tests/cli/run-all.sh (PostgreSQL)"
init_db
add_users 3
cat >> jobs.ini <<INI
[backup]
dir = var/backups
INI
expect_exit 0 mj run backup --now $NOW
assert_eq "$(ls -A var/backups 2>/dev/null | wc -l)" 0 "no backup file written"
row=$(sql "SELECT outcome || '|' || error FROM job_runs WHERE job = 'backup' ORDER BY id DESC LIMIT 1")
assert_contains "$row" "done|the database is a PostgreSQL server: back it up with pg_dump" "backup's history says why"
assert_contains "$(cat var/mailjobs.log)" "backup_not_applicable" "and the log"
expect_exit 0 mj run vacuum --now $NOW
row=$(sql "SELECT outcome || '|' || error FROM job_runs WHERE job = 'vacuum' ORDER BY id DESC LIMIT 1")
assert_contains "$row" "done|the database is a PostgreSQL server: autovacuum returns its space" "vacuum's history says why"
echo "not a backup" > var/some.db.gz
sql "DELETE FROM job_runs" >/dev/null
before=$(db_sha)
expect_exit 2 mj restore var/some.db.gz
assert_contains "$ERR" "PostgreSQL server"
assert_contains "$ERR" "nothing was changed"
assert_eq "$(db_sha)" "$before" "database unchanged"
assert_eq "$(find . -name '*restore*' -o -name 'postgresql:*' | wc -l)" 0 "no file made from the URL"
