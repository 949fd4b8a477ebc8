# The backup job with [backup] upload_url: the new backup is PUT into a real WebDAV folder (lighttpd
# mod_webdav, basic auth), verified by size, and recorded in archive_uploads; the server's copy equals
# the local file. A read-only folder (403) fails the run (exit 1) with the reason in one line, and the
# local backup is still written and kept.
# backend: sqlite-only: backup files of the SQLite database
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
. "$(dirname "$0")/../servers/webdav.sh"
{ printf '[backup]\n'; upload_ini; } >> jobs.ini
init_db
add_users 50
start_webdav
expect_exit 0 mj backup --set "backup.upload_url=${DAV_URL}backups/"
file=$(ls var/backups/mailjobs-*.db.gz)
name=$(basename "$file")
cmp "$file" "$DAV_DIR/backups/$name" || fail "the server's copy differs from the local backup"
assert_eq "$(sql "SELECT size || ' ' || remote_url FROM archive_uploads WHERE job = 'backup' AND file = '$name'")" \
  "$(stat -c %s "$file") ${DAV_URL}backups/$name" "archive_uploads row"
assert_eq "$(sql "SELECT json_extract(counts, '$.backups_uploaded') FROM job_runs WHERE job = 'backup'")" 1 "upload counted in history"
stop_webdav

start_webdav readonly
sleep 1   # a backup name per second
expect_exit 1 mj backup --set "backup.upload_url=${DAV_URL}backups/"
assert_contains "$OUT" "but its upload failed"
assert_contains "$OUT" "403"
# The new backup is there (the keep rule keeps the newest of a day, so it replaced the first one).
newest=$(ls var/backups/mailjobs-*.db.gz)
[ "$(basename "$newest")" != "$name" ] || fail "the backup whose upload failed was not kept"
gunzip -t "$newest" || fail "the kept backup is not a complete gzip file"
assert_eq "$(sql "SELECT count(*) FROM archive_uploads WHERE job = 'backup'")" 1 "no upload recorded for the refused one"
grep -q "$DAV_PASSWORD" var/mailjobs.log && fail "the WebDAV password is in the log"
true
