# kill -9 in the middle of a backup leaves no file under a backup's final name (only NAME.part files),
# the database is intact, and the next backup removes the parts, says so in history, and succeeds.
# A budget too short for the copy fails the run with the reason and keeps nothing.
# backend: sqlite-only: backup files of the SQLite database
. "$(dirname "$0")/lib.sh"
init_db
add_users 1
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 30000)
     INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, raw_message, size_bytes, quarantined_at)
     SELECT 1, 'spam@example.biz', 'u@example.org', randomblob(3000), 3000, $NOW - i FROM c"
# One page per step: the copy takes long enough to be killed in the middle of it.
"$MJ" backup --set backup.pages_per_step=1 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do ls var/backups/*.part >/dev/null 2>&1 && break; sleep 0.02; done
ls var/backups/*.part >/dev/null 2>&1 || fail "no backup in progress to kill"
kill -9 $pid; wait $pid 2>/dev/null || true
ls var/backups/*.db.gz >/dev/null 2>&1 && fail "a file under a final name after kill -9: $(ls var/backups)"
parts=$(ls var/backups | grep -c '\.part' || true)
assert_ge "$parts" 1 "parts left by the killed backup"
assert_eq "$(sql "PRAGMA integrity_check")" ok "database integrity"

expect_exit 1 mj backup --set backup.pages_per_step=1 --max-runtime 1s
assert_contains "$OUT" "did not finish within the run's budget (nothing kept)"
ls var/backups/*.db.gz >/dev/null 2>&1 && fail "a backup stopped by its budget was kept"

expect_exit 0 mj backup
assert_eq "$(ls var/backups)" "$(ls var/backups | grep '^mailjobs-.*Z\.db\.gz$')" "only complete backups left"
assert_eq "$(ls var/backups | wc -l)" 1 "backups"
# The first run after the kill (the one its budget stopped) removed them, and said so in history.
removed=$(sql "SELECT json_extract(counts, '$.parts_removed') FROM job_runs WHERE job = 'backup' AND outcome = 'failed'")
assert_ge "${removed:-0}" 1 "parts removed, in history"
gunzip -c var/backups/*.db.gz > "$WORK/copy.db"
assert_eq "$(sqlite3 "$WORK/copy.db" "SELECT count(*) FROM spam_quarantine")" 30000 "rows in the backup"
