# `mailjobs backup` while the application writes every 5 ms: the backup finishes (one read snapshot,
# not a copy that restarts on every write), the writer never gets "database is locked", and the
# backup restores to a database that passes integrity_check and holds every row committed before the
# backup began, with no gap (a consistent snapshot, not pages from different moments). The file is
# 0600 in a 0700 folder; history has the run with its counts; --dry-run writes nothing.
here=$(cd "$(dirname "$0")" && pwd)
# backend: sqlite-only: the backup job copies the SQLite file; on PostgreSQL it says pg_dump and ends
. "$here/lib.sh"
init_db
add_users 3
# ~40 MB of held mail, so the copy takes many steps of 16 pages.
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 20000)
     INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, raw_message, size_bytes, quarantined_at)
     SELECT 1 + i % 3, 'spam@example.biz', 'u@example.org', randomblob(2000), 2000, $NOW - i FROM c"
sums=$(sql "SELECT count(*) || ':' || sum(length(raw_message)) || ':' || total(id) FROM spam_quarantine")

expect_exit 0 mj backup --dry-run
assert_contains "$OUT" "backup: would write a copy of"
[ ! -e var/backups ] || [ -z "$(ls -A var/backups)" ] || fail "dry-run wrote $(ls var/backups)"

python3 "$here/helpers/app_writer.py" var/mailjobs.db 5 "$WORK/stop" "$WORK/writer.json" &
for _ in $(seq 100); do [ "$(sql "SELECT count(*) FROM app_writes" 2>/dev/null || echo 0)" -gt 20 ] && break; sleep 0.05; done
before=$(sql "SELECT max(id) FROM app_writes")
expect_exit 0 mj backup --set backup.pages_per_step=16
touch "$WORK/stop"; wait
file=$(ls var/backups/mailjobs-*.db.gz)
assert_contains "$OUT" "backup: $file ("
assert_contains "$OUT" "integrity ok"
assert_eq "$(stat -c %a var/backups)" 700 "backup folder mode"
assert_eq "$(stat -c %a "$file")" 600 "backup file mode"
assert_eq "$(ls var/backups | wc -l)" 1 "files in the backup folder (no parts left)"
assert_eq "$(jq .locked "$WORK/writer.json")" 0 "writes refused while the backup ran"
assert_ge "$(jq .ok "$WORK/writer.json")" 40 "writer kept writing"

gunzip -c "$file" > "$WORK/copy.db"
assert_eq "$(sqlite3 "$WORK/copy.db" "PRAGMA integrity_check")" ok "integrity of the copy"
assert_eq "$(sqlite3 "$WORK/copy.db" "PRAGMA journal_mode")" delete "the copy is one self-contained file"
assert_eq "$(sqlite3 "$WORK/copy.db" "SELECT count(*) || ':' || sum(length(raw_message)) || ':' || total(id) FROM spam_quarantine")" "$sums" "held mail in the copy"
copied=$(sqlite3 "$WORK/copy.db" "SELECT max(id) FROM app_writes")
assert_ge "$copied" "$before" "rows committed before the backup began are in it"
assert_eq "$(sqlite3 "$WORK/copy.db" "SELECT count(*) FROM app_writes")" "$copied" "no gap in the application's rows"
[ "$(sql "SELECT max(id) FROM app_writes")" -gt "$copied" ] || fail "the writer wrote nothing after the snapshot (test did not overlap)"

row=$(sql "SELECT outcome || '|' || changed || '|' || json_extract(counts, '$.backups_written') FROM job_runs WHERE job = 'backup' AND dry_run = 0")
assert_eq "$row" "done|1|1" "history of the backup run"
