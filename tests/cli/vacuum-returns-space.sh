# `mailjobs vacuum` hands the free pages a purge leaves behind back to the file system in short
# steps: the file shrinks by about the freed pages, freelist_count ends at 0, the data is intact;
# --dry-run only reports; a rerun frees nothing; the run is in history with its counts. A file made
# without auto_vacuum = INCREMENTAL is reported and left alone.
# backend: sqlite-only: VACUUM of the SQLite file; on PostgreSQL autovacuum does it (postgresql-file-jobs)
. "$(dirname "$0")/lib.sh"
init_db
add_users 2
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 20000)
     INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, raw_message, size_bytes, quarantined_at)
     SELECT 1 + i % 2, 'spam@example.biz', 'u@example.org', randomblob(1500), 1500, $NOW - (CASE WHEN i % 4 = 0 THEN 1 ELSE 60 END) * 86400 FROM c"
expect_exit 0 mj run spam-quarantine-expiry --now $NOW
assert_eq "$(sql "SELECT count(*) FROM spam_quarantine")" 5000 "purged"
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
free=$(sql "PRAGMA freelist_count"); page=$(sql "PRAGMA page_size")
[ "$free" -gt 5000 ] || fail "the purge left only $free free pages"
size0=$(stat -c %s var/mailjobs.db)
data=$(sql "SELECT count(*) || ':' || total(id) || ':' || sum(length(raw_message)) FROM spam_quarantine")

expect_exit 0 mj vacuum --dry-run
assert_contains "$OUT" "vacuum: would free $free pages"
assert_eq "$(sql "PRAGMA freelist_count")" "$free" "dry-run frees nothing"

expect_exit 0 mj vacuum --set job.vacuum.pages_per_step=100
assert_contains "$OUT" "vacuum: freed $free pages"
assert_contains "$OUT" "0 free pages left"
assert_eq "$(sql "PRAGMA freelist_count")" 0 "free pages left"
size1=$(stat -c %s var/mailjobs.db)
assert_ge "$((size0 - size1))" "$((free * page * 9 / 10))" "bytes given back to the file system"
assert_eq "$(sql "PRAGMA integrity_check")" ok "integrity"
assert_eq "$(sql "SELECT count(*) || ':' || total(id) || ':' || sum(length(raw_message)) FROM spam_quarantine")" "$data" "data intact"
row=$(sql "SELECT outcome || '|' || changed || '|' || counts FROM job_runs WHERE job = 'vacuum' AND dry_run = 0 ORDER BY id DESC LIMIT 1")
assert_eq "$row" "done|$free|{\"pages\":$free}" "history of the vacuum run"
steps=$(sql "SELECT count(*) FROM job_runs WHERE job = 'vacuum'")
assert_eq "$steps" 2 "dry run and real run recorded"

expect_exit 0 mj vacuum --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); print(r['pages_freed'], r['free_pages_after'], r['auto_vacuum'])" <<<"$OUT")" \
  "0 0 incremental" "rerun frees nothing"
expect_exit 0 mj run vacuum --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['pages_freed'])" <<<"$OUT")" 0 "run vacuum --json prints the result"

# A database the application created before mailjobs (auto_vacuum NONE): reported, left alone.
mkdir other
sqlite3 other/app.db "CREATE TABLE app_x(id INTEGER PRIMARY KEY, b BLOB); INSERT INTO app_x(b) SELECT randomblob(3000) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 500) SELECT i FROM c); DELETE FROM app_x;"
expect_exit 0 mj vacuum --database other/app.db
assert_contains "$OUT" "vacuum: not possible: the file has auto_vacuum = none"
[ "$(sqlite3 other/app.db "PRAGMA freelist_count")" -gt 0 ] || fail "free pages of the other file vanished"
