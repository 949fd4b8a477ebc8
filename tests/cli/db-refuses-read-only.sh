# A read-only database (chmod 444) is refused with exit 3 and left unchanged, even for root.
# backend: sqlite-only: a read-only SQLite file
. "$(dirname "$0")/lib.sh"
init_db
add_users 3
add_sessions 10 $((NOW - 10*86400)) $((NOW - 10*86400))
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
chmod 444 var/mailjobs.db
before=$(db_sha)
expect_exit 3 mj run session-cleanup --now $NOW
assert_contains "$ERR" "is read-only"
assert_eq "$(wc -l <<<"$ERR")" 1 "one line on stderr"
assert_eq "$(db_sha)" "$before" "file"
chmod 644 var/mailjobs.db
assert_eq "$(sql "SELECT count(*) FROM sessions")" 10 "rows kept"
