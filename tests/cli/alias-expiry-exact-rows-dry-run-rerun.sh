# alias-expiry: exactly the active aliases with expires_at < now are deactivated (expiring exactly
# now stays active), each with one audit_logs row in the same transaction; dry-run counts the same
# and changes nothing; a rerun changes nothing and writes no second audit row.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
D=86400
# 1: expired 1 s ago -> deactivated    2: expires exactly now -> stays    3: never expires -> stays
# 4: expired, already inactive (user) -> untouched, no audit    5: expires tomorrow -> stays
# 6: expired 2 h ago -> deactivated (and the only one with --older-than 1h)
sql "INSERT INTO aliases(id, uuid, user_id, address, active, expires_at, deactivated_at, deactivated_by) VALUES
  (1, 'uuid-one', 1, 'one@alias.example', 1, $NOW - 1, NULL, NULL),
  (2, 'uuid-two', 1, 'two@alias.example', 1, $NOW, NULL, NULL),
  (3, 'uuid-three', 2, 'three@alias.example', 1, NULL, NULL, NULL),
  (4, 'uuid-four', 2, 'four@alias.example', 0, $NOW - $D, $NOW - 2*$D, 'user'),
  (5, 'uuid-five', 3, 'five@alias.example', 1, $NOW + $D, NULL, NULL),
  (6, 'uuid-six', 3, 'six@alias.example', 1, $NOW - 7200, NULL, NULL)"
add_aliases 2000 $((NOW - 30*D))
expect_exit 0 mj run alias-expiry --dry-run --now $NOW --older-than 1h --json
assert_eq "$(json_get "d[0]['counts']['aliases']")" 2001 "dry-run count with --older-than 1h"
expect_exit 0 mj run alias-expiry --dry-run --now $NOW --json
assert_eq "$(json_get "d[0]['counts']['aliases']")" 2002 "dry-run count"
assert_eq "$(sql "SELECT count(*) FROM aliases WHERE active = 1")" 2005 "dry-run changed nothing"
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 0 "dry-run audited nothing"
expect_exit 0 mj run alias-expiry --now $NOW --json
assert_eq "$(json_get "d[0]['counts']['aliases']")" 2002 "deactivated as counted"
assert_eq "$(json_get "d[0]['counts']['audit_logs']")" 2002 "one audit row each"
assert_eq "$(sql "SELECT group_concat(id || ':' || active, ' ') FROM (SELECT id, active FROM aliases WHERE id <= 6 ORDER BY id) AS q0")" \
  "1:0 2:1 3:1 4:0 5:1 6:0" "active flags"
assert_eq "$(sql "SELECT deactivated_at || '|' || deactivated_by FROM aliases WHERE id = 1")" "$NOW|job:alias-expiry" "alias 1 stamped"
assert_eq "$(sql "SELECT deactivated_at || '|' || deactivated_by FROM aliases WHERE id = 4")" "$((NOW - 2*D))|user" "alias 4 untouched"
assert_eq "$(sql "SELECT user_id || '|' || actor || '|' || action || '|' || target || '|' || critical || '|' || created_at || '|' || json_extract(details, '$.expires_at')
                  FROM audit_logs WHERE target = 'alias:uuid-one'")" "1|job:alias-expiry|alias.expired|alias:uuid-one|0|$NOW|$((NOW - 1))" "audit row of alias 1"
assert_eq "$(sql "SELECT count(*) FROM audit_logs a JOIN aliases x ON a.target = 'alias:' || x.uuid WHERE x.active = 0 AND x.deactivated_by = 'job:alias-expiry'")" 2002 "each deactivated alias audited once"
if sql "SELECT details FROM audit_logs" | grep -q '@'; then fail "audit details hold an address"; fi
expect_exit 0 mj run alias-expiry --now $NOW --json
assert_eq "$(json_get "d[0]['changed']")" 0 "rerun changes nothing"
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 2002 "rerun writes no audit row"
