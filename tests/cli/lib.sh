# Shared helpers for whole-binary tests. Each test sources this, gets its own temp folder as the
# working directory, a jobs.ini pointing at var/mailjobs.db, and $MJ = the binary under test.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/mj-$TEST_NAME.XXXXXX")
export MAILJOBS_CONFIG=  # tests pass --config explicitly or rely on ./jobs.ini
unset MAILJOBS_CONFIG
for v in $(env | grep -o '^MAILJOBS_[A-Z_]*' | grep -v '^MAILJOBS_BIN$' || true); do unset "$v"; done
cd "$WORK"
mkdir -p var
_cleanup() {
  local rc=$?
  # stop anything the test started in the background
  jobs -p | xargs -r kill 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || [ $rc -ne 0 ] || rm -rf "$WORK"
  [ $rc -eq 0 ] || echo "  (work folder kept: $WORK)" >&2
}
trap _cleanup EXIT

cat > jobs.ini <<'INI'
[general]
database = var/mailjobs.db
log_file = var/mailjobs.log
INI

mj() { "$MJ" "$@"; }
sql() { sqlite3 -batch -noheader var/mailjobs.db "$@"; }
fail() { echo "FAIL [$TEST_NAME]: $*" >&2; exit 1; }
assert_eq() { [ "$1" == "$2" ] || fail "${3:-value}: expected '$2', got '$1'"; }
assert_le() { [ "$1" -le "$2" ] || fail "${3:-value}: expected <= $2, got $1"; }
assert_ge() { [ "$1" -ge "$2" ] || fail "${3:-value}: expected >= $2, got $1"; }
assert_contains() { grep -qF -- "$2" <<<"$1" || fail "${3:-output} does not contain '$2': $1"; }
# expect_exit CODE CMD... : runs CMD, checks its exit code, leaves stdout in $OUT and stderr in $ERR
expect_exit() {
  local want=$1; shift
  set +e
  "$@" >"$WORK/.out" 2>"$WORK/.err"
  local rc=$?
  set -e
  OUT=$(cat "$WORK/.out"); ERR=$(cat "$WORK/.err")
  [ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want; stderr: $ERR; stdout: $OUT"
}
# Unix time helpers: days/hours ago relative to a fixed clock the test passes as --now.
NOW=${NOW:-1795000000}   # 2026-11-18T11:06:40Z: fixed, so tests never depend on the wall clock
days() { echo $(( $1 * 86400 )); }
# A fresh, migrated database.
init_db() { mj migrate >/dev/null; }

# add_users N: users 1..N
add_users() {
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $1)
       INSERT INTO users(id, email, created_at) SELECT i, 'user' || i || '@example.com', $NOW - 400*86400 FROM c;"
}
# add_sessions N EXPIRES_AT LAST_SEEN_AT: N sessions of users 1..100 with these times
add_sessions() {
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $1)
       INSERT INTO sessions(user_id, token_hash, created_at, last_seen_at, expires_at)
       SELECT 1 + (i % 100), hex(randomblob(16)), $3 - 3600, $3, $2 FROM c;"
}
# sha of the database file (for "file unchanged" checks)
db_sha() { sha256sum "${1:-var/mailjobs.db}" | cut -d' ' -f1; }
