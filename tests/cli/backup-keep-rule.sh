# The backup job once a day for 40 days (--now): the folder keeps the newest backup of each of the
# last 7 days and of each of the last 4 ISO weeks ([backup] keep_daily, keep_weekly), so 9 files;
# another folder's files and names that are not backups are never touched.
# backend: sqlite-only: backup files of the SQLite database
. "$(dirname "$0")/lib.sh"
init_db
mkdir -p var/backups
echo "operator notes" > var/backups/README.txt
start=$(date -u -d 2026-10-22T03:00:00Z +%s)   # day 0; day 39 = Monday 2026-11-30
for d in $(seq 0 39); do
  expect_exit 0 mj run backup --now $((start + d * 86400))
done
files=$(ls var/backups | grep '^mailjobs-' | sed 's/^mailjobs-\(........\).*/\1/' | tr '\n' ' ')
# daily: 30, 29, 28, 27, 26, 25, 24 Nov; weekly (newest of W49..W46): 30 Nov, 29 Nov, 22 Nov, 15 Nov
assert_eq "$files" "20261115 20261122 20261124 20261125 20261126 20261127 20261128 20261129 20261130 " "backups kept"
assert_eq "$(cat var/backups/README.txt)" "operator notes" "other files untouched"
removed=$(sql "SELECT sum(json_extract(counts, '$.backups_removed')) FROM job_runs WHERE job = 'backup'")
assert_eq "$removed" 31 "backups removed in history (40 written, 9 kept)"
