# `mailjobs cleanup stats --json`: every table with rows, bytes and oldest row, matching what
# sqlite3 says about the same file; --no-bytes skips the sizes; the text form lists the tables.
# backend: sqlite-only: compares with SQLite's dbstat of the same file
. "$(dirname "$0")/lib.sh"
init_db
add_users 100
add_sessions 3000 $((NOW - 10*86400)) $((NOW - 10*86400))
add_sessions 500 $((NOW + 86400)) $((NOW - 60))
sql "INSERT INTO magic_links(user_id, token_hash, created_at, expires_at) VALUES (1, 'a', $((NOW - 50*86400)), $((NOW - 49*86400))), (2, 'b', $((NOW - 3600)), $((NOW + 3600)));"

expect_exit 0 mj cleanup stats --json
s=$OUT
t() { jq -r ".tables[] | select(.table == \"$1\") | .$2" <<<"$s"; }
assert_eq "$(t sessions rows)" "$(sql 'SELECT count(*) FROM sessions')" "sessions rows"
assert_eq "$(t sessions rows)" 3500 "sessions rows"
assert_eq "$(t magic_links rows)" 2 "magic_links rows"
assert_eq "$(t users rows)" 100 "users rows"
assert_eq "$(t delivery_log rows)" 0 "delivery_log rows"
# oldest row = min of the time column, as ISO UTC
assert_eq "$(t magic_links timeColumn)" created_at "magic_links time column"
assert_eq "$(t magic_links oldestAt)" "$(date -u -d @$((NOW - 50*86400)) +%Y-%m-%dT%H:%M:%SZ)" "magic_links oldest"
assert_eq "$(t sessions oldestAt)" "$(date -u -d @"$(sql 'SELECT min(created_at) FROM sessions')" +%Y-%m-%dT%H:%M:%SZ)" "sessions oldest"
assert_eq "$(t delivery_log oldestAt)" null "empty table has no oldest row"
# bytes: the table's own pages and its indexes' pages, as dbstat counts them
assert_eq "$(t sessions bytes)" "$(sql "SELECT sum(pgsize) FROM dbstat WHERE name = 'sessions'")" "sessions bytes"
assert_eq "$(t sessions indexBytes)" "$(sql "SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions')")" "sessions index bytes"
assert_eq "$(jq .databaseBytes <<<"$s")" $(( $(sql 'PRAGMA page_count') * $(sql 'PRAGMA page_size') )) "database bytes"
assert_eq "$(jq .freeBytes <<<"$s")" $(( $(sql 'PRAGMA freelist_count') * $(sql 'PRAGMA page_size') )) "free bytes"
# every table of the file is listed, none of SQLite's own
assert_eq "$(jq '.tables | length' <<<"$s")" "$(sql "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")" "table count"

expect_exit 0 mj cleanup stats --json --no-bytes
assert_eq "$(jq -r '.tables[] | select(.table == "sessions") | .bytes' <<<"$OUT")" null "--no-bytes"
assert_eq "$(jq -r '.tables[] | select(.table == "sessions") | .rows' <<<"$OUT")" 3500 "--no-bytes still counts rows"

expect_exit 0 mj cleanup stats
assert_contains "$OUT" "sessions"
assert_contains "$OUT" "3500"
# stats is read only: no history row
assert_eq "$(sql 'SELECT count(*) FROM job_runs')" 0 "job_runs rows"
