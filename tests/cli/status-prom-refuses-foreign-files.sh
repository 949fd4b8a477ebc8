# `status --prom FILE` replaces only a metrics file mailjobs wrote itself (first line
# "# mailjobs metrics") or creates a missing one. The live database, its -wal/-shm (also through a
# hard link or symlink, and a -wal that does not exist right now), jobs.ini, the log, anyone's
# file and a folder are refused: exit 2, one error line, the file byte-for-byte unchanged.
# backend: sqlite-only: the SQLite file, its -wal and -shm as --prom targets
. "$(dirname "$0")/lib.sh"
init_db
add_users 3
sha() { sha256sum "$1" | cut -d' ' -f1; }
echo "my notes" > notes.txt
ln var/mailjobs.db var/hardlink.prom
ln -s mailjobs.db var/symlink.prom
mkdir var/folder.prom
expect_exit 0 mj run session-cleanup   # writes the log
db_before=$(sha var/mailjobs.db)
for target in var/mailjobs.db ./var/../var/mailjobs.db var/hardlink.prom var/symlink.prom jobs.ini var/mailjobs.log \
              notes.txt var/folder.prom; do
  before=$( [ -f "$target" ] && sha "$target" || echo dir)
  expect_exit 2 mj status --prom "$target"
  assert_contains "$ERR" "mailjobs: error: refusing to write metrics to '$target'" "refusal of $target"
  assert_eq "$(grep -c . <<<"$ERR")" 1 "one error line for $target"
  assert_eq "$( [ -f "$target" ] && sha "$target" || echo dir)" "$before" "$target unchanged"
done
assert_contains "$(mj status --prom notes.txt 2>&1 || true)" "is not a metrics file written by mailjobs"
assert_contains "$(mj status --prom jobs.ini 2>&1 || true)" "a file mailjobs uses"
assert_eq "$(sha var/mailjobs.db)" "$db_before" "database unchanged"
assert_eq "$(sql 'SELECT count(*) FROM users')" 3 "database still readable"
# the -wal/-shm while another connection holds the database open (they exist) and after (-wal gone)
python3 - <<'PY' &
import sqlite3, time
c = sqlite3.connect("var/mailjobs.db"); c.execute("PRAGMA journal_mode=WAL"); c.execute("BEGIN"); c.execute("SELECT count(*) FROM users").fetchall()
open("var/.held", "w").close(); time.sleep(3)
PY
for i in $(seq 50); do [ -e var/.held ] && break; sleep 0.1; done
[ -e var/mailjobs.db-wal ] || fail "no -wal while the database is open"
wal_before=$(sha var/mailjobs.db-wal)
expect_exit 2 mj status --prom var/mailjobs.db-wal
assert_eq "$(sha var/mailjobs.db-wal)" "$wal_before" "-wal unchanged"
expect_exit 2 mj status --prom var/mailjobs.db-shm
wait
[ ! -e var/mailjobs.db-wal ] || fail "-wal should be gone once every connection closed"
expect_exit 2 mj status --prom var/mailjobs.db-journal
[ ! -e var/mailjobs.db-journal ] || fail "a -journal was created"
assert_eq "$(ls var | grep -c 'tmp' || true)" 0 "no temporary file left"

# a missing file is created; then it is ours and is replaced atomically
expect_exit 0 mj status --prom var/metrics.prom
assert_eq "$(head -1 var/metrics.prom | cut -c1-18)" "# mailjobs metrics" "header line"
first=$(sha var/metrics.prom)
sleep 1.1   # the timestamp sample changes
expect_exit 0 mj status --prom var/metrics.prom
[ "$(sha var/metrics.prom)" != "$first" ] || fail "own metrics file not replaced"
assert_eq "$(stat -c %a var/metrics.prom)" 644 "readable by a textfile collector"
