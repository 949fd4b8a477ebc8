# Disk caps: [backup] max_disk removes the oldest backups first, after the new one is in place,
# until the rest fit, and never the newest (even when it alone passes the cap: a warning);
# [job.audit-log-cleanup] archive_max_disk does the same with the archive's day files, never the
# newest. Other files in those folders are never touched. Sizes are written as 100K, 1K, 25K.
. "$(dirname "$0")/lib.sh"
init_db
add_users 1
mkdir -p var/backups var/audit-archive
# The backup job copies the SQLite file; on PostgreSQL it only notes "pg_dump" and ends.
if [ "${MJ_TEST_BACKEND:-sqlite}" != postgresql ]; then
  old=$((NOW - 10 * 86400))
  for d in 10 11 12; do head -c 50000 /dev/urandom > var/backups/mailjobs-202611${d}T030000Z.db.gz; done
  echo "operator notes" > var/backups/README.txt
  # Without a cap the keep rule (7 days) keeps the three and the new one.
  expect_exit 0 mj run backup --now $NOW --set backup.max_disk=0 --set backup.keep_daily=30
  assert_eq "$(ls var/backups | grep -c '^mailjobs-')" 4 "no cap: all kept"
  new=$(ls var/backups | grep '^mailjobs-20261118')
  size=$(stat -c %s "var/backups/$new")
  assert_le "$size" 20000 "new backup of a small database"
  # 120K: 3 x 50000 + the new one passes it; the oldest goes, then the rest fit. (The keep rule
  # keeps one backup per day: the new one replaces the first of the day.)
  expect_exit 0 mj run backup --now $((NOW + 60)) --set backup.max_disk=120K --set backup.keep_daily=30
  left=$(ls var/backups | grep '^mailjobs-' | cut -c10-17 | tr '\n' ' ')
  assert_eq "$left" "20261111 20261112 20261118 " "the oldest went first"
  total=$(cat var/backups/mailjobs-* | wc -c)
  assert_le "$total" 122880 "the rest fits the cap"
  over=$(sql "SELECT json_extract(counts, '$.backups_over_cap') FROM job_runs WHERE job = 'backup' ORDER BY id DESC LIMIT 1")
  assert_eq "$over" 1 "history counts the backup removed for the cap"
  # Dry-run says the same, removes nothing.
  expect_exit 0 mj run backup --dry-run --now $((NOW + 120)) --set backup.max_disk=1K --set backup.keep_daily=30
  assert_eq "$(ls var/backups | grep -c '^mailjobs-')" 3 "dry-run removed nothing"
  assert_eq "$(sql "SELECT json_extract(counts, '$.backups_over_cap') FROM job_runs WHERE job = 'backup' ORDER BY id DESC LIMIT 1")" 2 "dry-run counts"
  # A cap smaller than one backup: every older one goes, the new one stays, with a warning.
  expect_exit 0 mj run backup --now $((NOW + 180)) --set backup.max_disk=1K --set backup.keep_daily=30
  assert_eq "$(ls var/backups | grep -c '^mailjobs-')" 1 "only the newest left"
  assert_eq "$(ls var/backups | grep '^mailjobs-')" "$(ls -t var/backups | grep '^mailjobs-' | head -1)" "it is the newest"
  assert_contains "$(cat var/mailjobs.log)" "backup_over_max_disk" "warned"
  assert_eq "$(cat var/backups/README.txt)" "operator notes" "other files untouched"
fi

# The audit archive: three old day files of 10000 bytes, then a run archives a newer day.
for d in 01 02 03; do head -c 10000 /dev/urandom > var/audit-archive/audit-2025-01-$d.jsonl.gz; done
echo notes > var/audit-archive/README.txt
day=$(( (NOW - 400 * 86400) / 86400 * 86400 ))
sql "INSERT INTO audit_logs(actor, action, critical, created_at) VALUES ('user:u1', 'session.login', 0, $day + 10)"
newest=audit-$(date -u -d @$day +%F).jsonl.gz
expect_exit 0 mj run audit-log-cleanup --now $NOW --set job.audit-log-cleanup.archive=true \
  --set job.audit-log-cleanup.archive_max_disk=25K
assert_eq "$(ls var/audit-archive | grep '^audit-' | tr '\n' ' ')" "audit-2025-01-02.jsonl.gz audit-2025-01-03.jsonl.gz $newest " "oldest day file went"
assert_eq "$(sql "SELECT json_extract(counts, '$.archive_files_over_cap') FROM job_runs WHERE job = 'audit-log-cleanup' ORDER BY id DESC LIMIT 1")" 1 "history"
expect_exit 0 mj run audit-log-cleanup --now $NOW --set job.audit-log-cleanup.archive=true \
  --set job.audit-log-cleanup.archive_max_disk=1K
assert_eq "$(ls var/audit-archive | grep '^audit-')" "$newest" "never the newest day file"
assert_eq "$(zcat var/audit-archive/$newest | jq -r .actor)" "user:u1" "the newest holds the archived row"
assert_eq "$(cat var/audit-archive/README.txt)" notes "other files untouched"
# A bad size is a config error.
expect_exit 2 mj run backup --set backup.max_disk=2gigs
assert_contains "$ERR" "max_disk" "names the key"
