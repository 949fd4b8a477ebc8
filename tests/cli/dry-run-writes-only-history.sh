# --dry-run selects the same rows as the real run, reports the same count, and writes nothing but
# its history row (no lease, no job_state, no data change).
. "$(dirname "$0")/lib.sh"
init_db
add_users 10
add_sessions 1234 $((NOW - 3*86400)) $((NOW - 3*86400))
add_sessions 66 $((NOW + 86400)) $((NOW - 60))
sql "INSERT INTO magic_links(user_id, token_hash, created_at, expires_at) VALUES (1,'a',$NOW-9000,$NOW-2*86400), (1,'b',$NOW-9000,$NOW-86400), (1,'c',$NOW-9000,$NOW-86399), (1,'d',$NOW,$NOW+3600)"
expect_exit 0 mj run session-cleanup magic-link-expiry --dry-run --now $NOW --json
dry_sessions=$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[0]['counts']['sessions'])" <<<"$OUT")
dry_links=$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[1]['counts']['magic_links'])" <<<"$OUT")
assert_eq "$dry_sessions" 1234 "dry-run sessions count"
assert_eq "$dry_links" 1 "dry-run magic links (the one exactly at the cutoff stays)"
assert_eq "$(sql "SELECT count(*) FROM sessions")" 1300 "nothing deleted"
assert_eq "$(sql "SELECT count(*) FROM job_state")" 0 "no job_state written"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE dry_run=1")" 2 "history rows"
expect_exit 0 mj run session-cleanup magic-link-expiry --now $NOW --json
real=$(/usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(d[0]['changed'], d[1]['changed'])" <<<"$OUT")
assert_eq "$real" "1234 1" "real run deletes what dry-run counted"
assert_eq "$(sql "SELECT group_concat(token_hash) FROM (SELECT token_hash FROM magic_links ORDER BY token_hash) AS q")" "b,c,d" "links left"
expect_exit 0 mj run magic-link-expiry --now $NOW --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[0]['changed'])" <<<"$OUT")" 0 "rerun deletes 0"
