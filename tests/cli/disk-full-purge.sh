# A real full disk (issue 11): var/ (database and log) on a small tmpfs. (1) The purge's own WAL
# fills it: the batch fails with SQLITE_FULL and rolls back, the run exits 1 with one
# `mailjobs: error:` line, integrity_check is ok, no young row is touched and the history row
# counts exactly the rows that are gone; once space is freed the next run finishes. (2) The
# application filled the disk before the purge: a clear error and exit code, the database
# unchanged; after space is freed the run finishes. Needs root (mount); skipped otherwise.
# backend: sqlite-only: the file system under the SQLite file fills up
. "$(dirname "$0")/lib.sh"
rmdir var
mkdir var
if ! mount -t tmpfs -o size=32m,mode=0700 tmpfs var 2>/dev/null; then
  echo "SKIP: disk-full-purge needs to mount a tmpfs (run as root; CI does)"
  exit 0
fi
trap 'rc=$?; umount -l "$WORK/var" 2>/dev/null; (exit $rc); _cleanup' EXIT
D=86400
init_db
add_users 1
# 6000 deliveries of ~1 KB, old and young interleaved, so every batch rewrites whole leaf pages
# into the WAL (deleting whole pages would only touch the freelist)
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 6000)
     INSERT INTO delivery_log(id, user_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
     SELECT i, 1, 'https://hooks.example/x', 'h', printf('{\"n\":%d,\"pad\":\"%s\"}', i, hex(randomblob(500))),
            'delivered', NULL, CASE WHEN i % 2 THEN $NOW - 200*$D + i ELSE $NOW - 10*$D + i END FROM c;
     PRAGMA wal_checkpoint(TRUNCATE);"
OLD=3000
young() { sql "SELECT count(*) || '/' || sum(length(payload)) FROM delivery_log WHERE created_at >= $NOW - 90*$D"; }
YOUNG=$(young)
old() { sql "SELECT count(*) FROM delivery_log WHERE created_at < $NOW - 90*$D"; }
# fill_to KB: a filler file leaving about KB kilobytes free on var/
fill_to() {
  rm -f var/filler
  local free_kb; free_kb=$(df -k --output=avail var | tail -n1 | tr -d ' ')
  [ "$free_kb" -gt "$1" ] || fail "tmpfs too small: ${free_kb} KB free"
  dd if=/dev/zero of=var/filler bs=1k count=$((free_kb - $1)) status=none 2>/dev/null || true
}

# (1) 400 KB left: the first batch (1000 rows, ~1000 rewritten pages) cannot fit its WAL
fill_to 400
expect_exit 1 mj run delivery-log-cleanup --now $NOW
assert_contains "$ERR" "mailjobs: error: " "stderr"
assert_eq "$(grep -c '^mailjobs: error: ' <<<"$ERR")" "$(grep -c . <<<"$ERR")" "every stderr line is an error line"
assert_contains "$ERR" "full" "the reason"
assert_eq "$(sql 'PRAGMA integrity_check')" ok "integrity after the full disk"
assert_eq "$(young)" "$YOUNG" "young rows after the full disk"
gone=$((OLD - $(old)))
assert_eq "$(sql "SELECT outcome || ' ' || exit_reason || ' ' || ifnull(json_extract(counts, '$.delivery_log'), 0) FROM job_runs WHERE job = 'delivery-log-cleanup' ORDER BY id DESC LIMIT 1")" \
  "failed error $gone" "history: failed, rows recorded = rows gone"
assert_contains "$(sql "SELECT error FROM job_runs WHERE job = 'delivery-log-cleanup' ORDER BY id DESC LIMIT 1")" "full" "history names the reason"
rm -f var/filler
expect_exit 0 mj run delivery-log-cleanup --now $NOW
assert_eq "$(old)" 0 "old rows gone once space was freed"
assert_eq "$(young)" "$YOUNG" "young rows after the finished purge"
assert_eq "$(sql 'PRAGMA integrity_check')" ok "integrity after the finished purge"

# (2) the application filled the disk to the last block before the purge ran
sql "UPDATE delivery_log SET created_at = created_at - 150*$D WHERE id % 4 = 0; PRAGMA wal_checkpoint(TRUNCATE);"
OLD2=$(old)
YOUNG2=$(young)
fill_to 0
dd if=/dev/zero of=var/filler2 bs=4k status=none 2>/dev/null || true   # the last blocks too
set +e; mj run delivery-log-cleanup --now $NOW >"$WORK/.out" 2>"$WORK/.err"; rc=$?; set -e
ERR=$(cat "$WORK/.err")
case $rc in 1|3) ;; *) fail "full disk before the purge: exit $rc (expected 1 or 3): $ERR" ;; esac
assert_contains "$ERR" "mailjobs: error: " "stderr on a full disk"
assert_eq "$(grep -c '^mailjobs: error: ' <<<"$ERR")" "$(grep -c . <<<"$ERR")" "every stderr line is an error line"
rm -f var/filler var/filler2
assert_eq "$(sql 'PRAGMA integrity_check')" ok "integrity after a run on a full disk"
assert_eq "$(old)" "$OLD2" "nothing deleted on a full disk"
assert_eq "$(young)" "$YOUNG2" "young rows on a full disk"
expect_exit 0 mj run delivery-log-cleanup --now $NOW
assert_eq "$(old)" 0 "old rows gone once space was freed"
assert_eq "$(young)" "$YOUNG2" "young rows after the finished purge"
assert_eq "$(sql 'PRAGMA integrity_check')" ok "integrity at the end"
