# disk-sweep removes only files that no row names and that are [job.disk-sweep] min_age (24h) old:
# a referenced spool file older than that stays (relative, "./" and absolute spellings, in a
# subfolder), an unreferenced old one goes, a young unreferenced one stays; the same for export
# archives, partial exports and backup parts; other files in the export and backup folders stay.
# Dry-run lists exactly what the run then removes; history has the count and the bytes; a rerun
# removes nothing.
. "$(dirname "$0")/lib.sh"
init_db
add_users 1
mkdir -p var/spool/sub var/exports var/backups
old=$((NOW - 2 * 86400)); young=$((NOW - 3600))
mk() { head -c "$2" /dev/zero > "$1"; touch -d "@$3" "$1"; }   # mk PATH BYTES MTIME
mk var/spool/kept-failed.eml 100 $old
mk var/spool/sub/kept-held.eml 200 $old
mk var/spool/kept-spam-abs.eml 300 $old
mk var/spool/orphan-old.eml 1000 $old
mk var/spool/sub/orphan-old2.eml 2000 $old
mk var/spool/orphan-young.eml 4000 $young
mk var/exports/aaaa-a1.zip 10 $old            # a ready archive's file
mk var/exports/bbbb-a1.zip 20 $old            # no row names it
mk var/exports/.partial-cccc-77.zip 40 $old   # a killed export's
mk var/exports/.partial-dddd-78.zip 80 $young # maybe being written
mk var/exports/notes.txt 5 $old               # not ours
mk var/backups/mailjobs-20261101T030000Z.db.gz.part 400 $old
mk var/backups/mailjobs-20261118T100000Z.db.part 800 $young
mk var/backups/README.txt 5 $old
sql "INSERT INTO failed_emails(user_id, mail_from, rcpt_to, spool_path, size_bytes, first_failed_at, status)
       VALUES (1, 'a@x', 'b@y', 'kept-failed.eml', 100, $old, 'failed');
     INSERT INTO overflow_hold(user_id, mail_from, rcpt_to, spool_path, size_bytes, held_at)
       VALUES (1, 'a@x', 'b@y', './sub/kept-held.eml', 200, $old);
     INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, spool_path, size_bytes, quarantined_at)
       VALUES (1, 'a@x', 'b@y', '$WORK/var/spool/kept-spam-abs.eml', 300, $old);
     INSERT INTO exports(user_id, status, path, size_bytes, requested_at, expires_at)
       VALUES (1, 'ready', 'aaaa-a1.zip', 10, $old, $NOW + 86400);"
gone="var/spool/orphan-old.eml var/spool/sub/orphan-old2.eml var/exports/bbbb-a1.zip var/exports/.partial-cccc-77.zip var/backups/mailjobs-20261101T030000Z.db.gz.part"
stay="var/spool/kept-failed.eml var/spool/sub/kept-held.eml var/spool/kept-spam-abs.eml var/spool/orphan-young.eml var/exports/aaaa-a1.zip var/exports/.partial-dddd-78.zip var/exports/notes.txt var/backups/mailjobs-20261118T100000Z.db.part var/backups/README.txt"

# Dry-run: the list, nothing removed.
expect_exit 0 mj run disk-sweep --dry-run --now $NOW --json
listed=$(jq -r '.would_remove[].path' <<<"$OUT" | sed "s|^$WORK/||" | sort | tr '\n' ' ')
assert_eq "$listed" "$(tr ' ' '\n' <<<"$gone" | sort | tr '\n' ' ')" "dry-run list"
for f in $gone $stay; do [ -e "$f" ] || fail "dry-run removed $f"; done
expect_exit 0 mj run disk-sweep --dry-run --now $NOW
assert_contains "$OUT" "would change 5" "dry-run text"

# The run.
expect_exit 0 mj run disk-sweep --now $NOW
for f in $gone; do [ ! -e "$f" ] || fail "$f should be gone"; done
for f in $stay; do [ -e "$f" ] || fail "$f should stay"; done
row="SELECT counts FROM job_runs WHERE job = 'disk-sweep' AND dry_run = 0 ORDER BY id DESC LIMIT 1"
assert_eq "$(sql "SELECT json_extract(($row), '$.files_swept')")" 5 "files in history"
assert_eq "$(sql "SELECT json_extract(($row), '$.bytes_swept')")" $((1000 + 2000 + 20 + 40 + 400)) "bytes in history"
assert_eq "$(sql "SELECT json_extract(($row), '$.spool_files_swept')")" 2 "spool files in history"
assert_eq "$(sql "SELECT json_extract(($row), '$.export_files_swept')")" 2 "export files in history"
assert_eq "$(sql "SELECT json_extract(($row), '$.backup_parts_swept')")" 1 "backup parts in history"
assert_eq "$(sql "SELECT changed FROM job_runs WHERE job = 'disk-sweep' AND dry_run = 0 ORDER BY id DESC LIMIT 1")" 5 "changed"

# A rerun finds nothing; a day later the young orphans are old enough, the referenced ones stay.
expect_exit 0 mj run disk-sweep --now $NOW
assert_eq "$(sql "SELECT changed FROM job_runs WHERE job = 'disk-sweep' ORDER BY id DESC LIMIT 1")" 0 "rerun"
expect_exit 0 mj run disk-sweep --now $((NOW + 86400))
[ ! -e var/spool/orphan-young.eml ] || fail "young orphan not swept a day later"
for f in var/spool/kept-failed.eml var/spool/sub/kept-held.eml var/spool/kept-spam-abs.eml var/exports/aaaa-a1.zip; do
  [ -e "$f" ] || fail "$f (referenced) removed"
done
