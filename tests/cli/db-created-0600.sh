# A database mailjobs creates is 0600 like its log, -wal and -shm too (SQLite gives them the main
# file's mode); `[general] database_mode` sets another (exactly, whatever the umask); an existing
# database's mode is never changed; a bad mode is a config error (exit 2) and creates nothing.
# backend: sqlite-only: the mode of the SQLite file mailjobs creates
. "$(dirname "$0")/lib.sh"
umask 022
mode() { stat -c %a "$1"; }
expect_exit 0 mj migrate
assert_eq "$(mode var/mailjobs.db)" 600 "new database"
# -wal/-shm exist while a connection is open: keep one open, let mailjobs write beside it
# (the holder says when it is connected: a fixed sleep lost that race on a loaded machine)
python3 -c "
import sqlite3, time
c = sqlite3.connect('var/mailjobs.db'); c.execute('SELECT count(*) FROM job_runs').fetchall()
open('$WORK/held', 'w').close(); time.sleep(60)" &
holder=$!
for _ in $(seq 1 600); do [ -e "$WORK/held" ] && break; sleep 0.05; done
[ -e "$WORK/held" ] || fail "the holding connection did not open"
expect_exit 0 mj run session-cleanup --now $NOW
assert_eq "$(mode var/mailjobs.db-wal)" 600 "-wal"
assert_eq "$(mode var/mailjobs.db-shm)" 600 "-shm"
kill $holder; wait $holder 2>/dev/null || true

# database_mode for a web server in the group, exact even with a umask that would clear it
mkdir g
printf '[general]\ndatabase = g.db\nlog_file = g.log\ndatabase_mode = 0660\n' > g/jobs.ini
(umask 077 && "$MJ" migrate --config g/jobs.ini >/dev/null)
assert_eq "$(mode g/g.db)" 660 "database_mode = 0660 under umask 077"

# an existing database keeps its mode, whatever database_mode says
chmod 0644 var/mailjobs.db
expect_exit 0 mj run session-cleanup --now $NOW --set general.database_mode=0600
assert_eq "$(mode var/mailjobs.db)" 644 "existing database untouched"

# bad modes: exit 2 with the key's file:line, nothing created
for bad in 0755 0999 644x 0400 07777; do
  mkdir -p "b$bad"
  printf '[general]\ndatabase = b.db\nlog_file = b.log\ndatabase_mode = %s\n' "$bad" > "b$bad/jobs.ini"
  expect_exit 2 mj migrate --config "b$bad/jobs.ini"
  assert_contains "$ERR" "jobs.ini:4" "error for database_mode = $bad"
  [ ! -e "b$bad/b.db" ] || fail "database created with database_mode = $bad"
done
expect_exit 0 mj config
assert_contains "$OUT" "database_mode" "config shows the key"
