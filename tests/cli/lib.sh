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
_drop_pg_db() { :; }  # the PostgreSQL backend's own database, below
_cleanup() {
  local rc=$?
  _drop_pg_db
  # stop anything the test started in the background
  jobs -p | xargs -r kill 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || [ $rc -ne 0 ] || rm -rf "$WORK"
  [ $rc -eq 0 ] || echo "  (work folder kept: $WORK)" >&2
}
trap _cleanup EXIT

# The backend switch (README "Tests"): MJ_TEST_BACKEND=postgresql runs the same test against a
# fresh database of the PostgreSQL server that `tests/cli/run-all.sh` started (its MJ_TEST_PG_*
# variables); sql() then speaks to it through psql, whose -At output has sqlite3's shape (| between
# columns, NULL as empty). Unset: SQLite, var/mailjobs.db.
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then
  : "${MJ_TEST_PG_PORT:?run through tests/cli/run-all.sh, which starts PostgreSQL}"
  PG_DB="t_$(printf '%s' "$TEST_NAME" | tr -c 'a-zA-Z0-9\n' '_' | cut -c1-40)_$$"
  pg_admin() { psql -X -q -h "$MJ_TEST_PG_SOCKET" -p "$MJ_TEST_PG_PORT" -U "$MJ_TEST_PG_SUPERUSER" -d postgres "$@"; }
  pg_admin -c "CREATE DATABASE \"$PG_DB\" OWNER \"$MJ_TEST_PG_USER\"" >/dev/null
  DATABASE="postgresql://$MJ_TEST_PG_USER@127.0.0.1:$MJ_TEST_PG_PORT/$PG_DB?passfile=$MJ_TEST_PG_PASSFILE"
  _drop_pg_db() { pg_admin -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 || true; }
  # psql prints a boolean as t/f where sqlite3 prints 1/0: a whole field t or f becomes 1 or 0.
  sql() {
    PGOPTIONS="-c search_path=public,sqlite_compat,pg_catalog" PGPASSFILE=$MJ_TEST_PG_PASSFILE psql -X -q -At -v ON_ERROR_STOP=1 "${DATABASE%%\?*}" -c "$*" |
      awk 'BEGIN { FS = OFS = "|" } { for (i = 1; i <= NF; i++) { if ($i == "t") $i = 1; else if ($i == "f") $i = 0 } print }'
  }
else
  DATABASE=var/mailjobs.db
  sql() { sqlite3 -batch -noheader var/mailjobs.db "$@"; }
fi

cat > jobs.ini <<INI
[general]
database = $DATABASE
log_file = var/mailjobs.log
INI

mj() { "$MJ" "$@"; }
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
# add_sessions N EXPIRES_AT LAST_SEEN_AT: N sessions of users 1..100 with these times (on
# PostgreSQL, whose foreign keys hold where sqlite3's are off, the users are made first if missing)
add_sessions() {
  [ "${MJ_TEST_BACKEND:-sqlite}" != postgresql ] || sql "INSERT INTO users(id, email, created_at)
       SELECT i, 'user' || i || '@example.com', $NOW - 400*86400 FROM generate_series(1, 100) AS i ON CONFLICT DO NOTHING"
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $1)
       INSERT INTO sessions(user_id, token_hash, created_at, last_seen_at, expires_at)
       SELECT 1 + (i % 100), hex(randomblob(16)), $3 - 3600, $3, $2 FROM c;"
}
# sha of the database file (for "file unchanged" checks)
db_sha() { sha256sum "${1:-var/mailjobs.db}" | cut -d' ' -f1; }
