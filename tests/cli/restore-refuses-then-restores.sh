# `mailjobs restore FILE` refuses, with one line and the database untouched: while another process
# has the database open (exit 4), when its WAL still holds writes (exit 3), a truncated or foreign
# backup (exit 3), no FILE (exit 2). With the application stopped it puts the backup back: the rows
# as they were at the backup, integrity ok, the previous file kept beside it, and the next command
# works on the restored database.
# backend: sqlite-only: restore replaces the SQLite file
. "$(dirname "$0")/lib.sh"
init_db
add_users 5
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 3000)
     INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, raw_message, size_bytes, quarantined_at)
     SELECT 1 + i % 5, 'spam@example.biz', 'u@example.org', randomblob(500), 500, $NOW - i FROM c"
expect_exit 0 mj backup
backup=$(ls "$PWD"/var/backups/mailjobs-*.db.gz)
sums() { sqlite3 "${1:-var/mailjobs.db}" "SELECT count(*) || ':' || total(id) || ':' || sum(length(raw_message)) FROM spam_quarantine"; }
at_backup=$(sums)
# After the backup: the application deletes users' mail and adds a user.
sql "DELETE FROM spam_quarantine WHERE user_id = 2; INSERT INTO users(id, email, created_at) VALUES (99, 'late@example.com', $NOW)"
after=$(sums)
fingerprint() { sha256sum var/mailjobs.db | cut -c1-64; }

expect_exit 2 mj restore
assert_contains "$ERR" "usage: mailjobs restore FILE"

# The application is running: a connection holds the database open.
python3 - var/mailjobs.db "$WORK/holding" <<'PY' &
import sqlite3, sys, time, os
con = sqlite3.connect(sys.argv[1]); con.execute("SELECT count(*) FROM users").fetchone()
open(sys.argv[2], "w").close()
while os.path.exists(sys.argv[2]): time.sleep(0.05)
PY
holder=$!
for _ in $(seq 100); do [ -e "$WORK/holding" ] && break; sleep 0.05; done
fp=$(fingerprint)
expect_exit 4 mj restore "$backup"
assert_contains "$ERR" "is open in another process"
assert_contains "$ERR" "nothing was changed"
assert_eq "$(echo "$ERR" | wc -l)" 1 "one line"
assert_eq "$(fingerprint)" "$fp" "database untouched while in use"
rm "$WORK/holding"; wait $holder

# A WAL with writes in it (a writer killed before it closed the database).
python3 - <<'PY'
import sqlite3, os
con = sqlite3.connect("var/mailjobs.db", isolation_level=None)
con.execute("PRAGMA wal_autocheckpoint = 0")
con.execute("INSERT INTO users(id, email, created_at) VALUES (100, 'wal@example.com', 1)")
os._exit(0)  # no close: the WAL keeps the insert
PY
wal=$(stat -c %s var/mailjobs.db-wal)
[ "$wal" -gt 0 ] || fail "test set-up: the WAL is empty"
expect_exit 3 mj restore "$backup"
assert_contains "$ERR" "of writes not yet in the database"
assert_eq "$(stat -c %s var/mailjobs.db-wal)" "$wal" "WAL untouched"
sql "SELECT count(*) FROM users" >/dev/null   # sqlite3 opens and closes it: the WAL is folded in
[ ! -s var/mailjobs.db-wal ] || fail "WAL still holds data"
after=$(sums)
fp=$(fingerprint)

# Damaged and foreign backups.
head -c $(( $(stat -c %s "$backup") / 2 )) "$backup" > "$WORK/cut.db.gz"
expect_exit 3 mj restore "$WORK/cut.db.gz"
assert_contains "$ERR" "nothing was changed"
echo "not a database" > "$WORK/junk.db"
expect_exit 3 mj restore "$WORK/junk.db"
assert_contains "$ERR" "does not hold a SQLite database"
assert_eq "$(fingerprint)" "$fp" "database untouched by refused restores"
assert_eq "$(sums)" "$after" "rows untouched"
[ ! -e var/mailjobs.db.restore.part ] || fail "a refused restore left its unpacked copy"

# The real thing.
expect_exit 0 mj restore "$backup"
assert_contains "$OUT" "integrity ok"
assert_contains "$OUT" "the previous file is kept as"
assert_eq "$(sums)" "$at_backup" "rows as they were at the backup"
assert_eq "$(sql "SELECT count(*) FROM users WHERE id IN (99, 100)")" 0 "rows written after the backup are gone"
assert_eq "$(sql "PRAGMA integrity_check")" ok "integrity"
kept=$(ls var/mailjobs.db.before-restore-*)
assert_eq "$(sums "$kept")" "$after" "the previous file, kept"
assert_eq "$(stat -c %a var/mailjobs.db)" 600 "restored file mode"
expect_exit 0 mj run spam-quarantine-expiry --now $NOW
