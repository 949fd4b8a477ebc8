# `mailjobs doctor` checks the free space of [backup] dir's file system against the next backup's
# peak (the database's size for the uncompressed copy plus its gzip, at the last backup's ratio):
# ok on a roomy disk, naming the ratio once a backup exists; FAIL with the fix when [backup] dir
# is on a tiny tmpfs (needs root to mount it; that half is skipped otherwise, saying so).
# backend: sqlite-only: backup.free is the SQLite backup copy's disk check; on PostgreSQL backups are pg_dump's (no such check)
. "$(dirname "$0")/lib.sh"
init_db
add_users 1
# ~2 MB of rows that compress well
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 2000)
     INSERT INTO audit_logs(actor, action, critical, details, created_at) SELECT 'user:u1', 'x', 0, printf('%.1000c', 'a'), $NOW FROM c;"
line() { jq -r '.checks[] | select(.name == "backup.free") | .status + " " + .detail + " | " + .fix' <<<"$OUT"; }
set +e; "$MJ" doctor --json >"$WORK/.out" 2>"$WORK/.err"; set -e; OUT=$(cat "$WORK/.out")
assert_contains "$(line)" "ok " "roomy disk"
assert_contains "$(line)" "no backup yet" "ratio unknown before the first backup"
expect_exit 0 mj backup
set +e; "$MJ" doctor --json >"$WORK/.out" 2>"$WORK/.err"; set -e; OUT=$(cat "$WORK/.out")
assert_contains "$(line)" "the last backup compressed to" "ratio from the last backup"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=1m,mode=0700 tmpfs "$WORK/var/backups" 2>/dev/null; then
  echo "SKIP [$TEST_NAME]: the FAIL half needs to mount a tmpfs (run as root; CI does)"; exit 0
fi
trap 'rc=$?; umount -l "$WORK/var/backups" 2>/dev/null; (exit $rc); _cleanup' EXIT
expect_exit 1 mj doctor --json
assert_contains "$(line)" "fail " "tiny backup disk"
assert_contains "$(line)" "point [backup] dir" "fix hint"
expect_exit 1 mj doctor
assert_contains "$OUT" "backup.free" "checklist names it"
