# `mailjobs status` shows the bytes on disk per kind: the database, its WAL, spool files (walked,
# subfolders too), export archives, the audit archive and backups, in text, --json and the
# Prometheus file (mailjobs_disk_bytes{kind=...}).
. "$(dirname "$0")/lib.sh"
init_db
mkdir -p var/spool/sub var/exports var/audit-archive var/backups
head -c 1000 /dev/zero > var/spool/a.eml
head -c 2000 /dev/zero > var/spool/sub/b.eml
head -c 30000 /dev/zero > var/exports/x-a1.zip
head -c 4000 /dev/zero > var/audit-archive/audit-2025-01-01.jsonl.gz
head -c 5000 /dev/zero > var/backups/mailjobs-20261101T030000Z.db.gz
expect_exit 0 mj status --json
# the database's bytes: the SQLite file's, or what the PostgreSQL server counts for the database (in whole pages)
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then db=$(sql "SELECT pg_database_size(current_database()) / current_setting('block_size')::bigint * current_setting('block_size')::bigint"); else db=$(stat -c %s var/mailjobs.db); fi
[ "$db" -gt 0 ] || fail "no database bytes"
assert_eq "$(jq -c '.disk | [.database, .spool, .exports, .archives, .backups]' <<<"$OUT")" "[$db,3000,30000,4000,5000]" "json bytes"
assert_eq "$(jq '.disk.wal' <<<"$OUT")" "$(stat -c %s var/mailjobs.db-wal 2>/dev/null || echo 0)" "wal bytes"
expect_exit 0 mj status
assert_contains "$OUT" "disk: database" "text line"
assert_contains "$OUT" "spool 2.9 KiB, exports 29.3 KiB, archives 3.9 KiB, backups 4.9 KiB" "text sizes"
expect_exit 0 mj status --prom var/metrics.prom
assert_contains "$(cat var/metrics.prom)" 'mailjobs_disk_bytes{kind="spool"} 3000' "prom spool"
assert_contains "$(cat var/metrics.prom)" 'mailjobs_disk_bytes{kind="backups"} 5000' "prom backups"
assert_contains "$(cat var/metrics.prom)" "mailjobs_disk_bytes{kind=\"database\"} $db" "prom database"
