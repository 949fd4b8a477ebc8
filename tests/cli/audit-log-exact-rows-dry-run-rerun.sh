# audit-log-cleanup: ordinary rows older than 365 d go, critical ones only after 7 y (2555 d); a
# row exactly at either cutoff stays; dry-run counts the same and changes nothing; a rerun changes
# nothing; --older-than moves the ordinary retention only, never the critical one below it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
D=86400
sql "INSERT INTO audit_logs(id, actor, action, critical, created_at) VALUES
  (1, 'user:a', 'session.login', 0, $NOW - 365*$D - 1),  (2, 'user:a', 'session.login', 0, $NOW - 365*$D),
  (3, 'admin:b', 'plan.changed', 1, $NOW - 365*$D - 1),  (4, 'admin:b', 'account.deleted', 1, $NOW - 2555*$D - 1),
  (5, 'admin:b', 'account.deleted', 1, $NOW - 2555*$D),  (6, 'user:a', 'session.login', 0, $NOW - 31*$D)"
add_audit 3000 $((NOW - 700*D)) 60 0         # ordinary, ~700 d old: go
add_audit 1000 $((NOW - 400*D)) 60 1         # critical, ~400 d old: stay
expect_exit 0 mj run audit-log-cleanup --dry-run --now $NOW --json
assert_eq "$(json_get "d[0]['counts']['audit_logs']")" 3002 "dry-run count"
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 4006 "dry-run deleted nothing"
expect_exit 0 mj run audit-log-cleanup --now $NOW --json
assert_eq "$(json_get "d[0]['counts']['audit_logs']")" 3002 "deleted as counted"
assert_eq "$(sql "SELECT group_concat(id) FROM (SELECT id FROM audit_logs WHERE id <= 6 ORDER BY id) AS q0")" "2,3,5,6" "rows left"
assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE critical = 1")" 1002 "critical rows kept"
expect_exit 0 mj run audit-log-cleanup --now $NOW --json
assert_eq "$(json_get "d[0]['changed']")" 0 "rerun changes nothing"
expect_exit 0 mj run audit-log-cleanup --now $NOW --older-than 30d --json
assert_eq "$(json_get "d[0]['counts']['audit_logs']")" 2 "--older-than 30d: the ordinary rows 2 and 6"
assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE critical = 1")" 1002 "--older-than leaves critical rows to their own retention"
[ ! -e var/audit-archive ] || fail "archive folder created although archive = false"
