# destination-verification-expiry with remove_unverified = true, run daily (--now stepped) for six
# weeks: every unverified destination gets exactly one notice, is removed at the first run at
# least 3 d after it and past the 30 d grace, never sooner; one verified after its notice stays.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
cat >> jobs.ini <<'INI'
[job.destination-verification-expiry]
remove_unverified = true
INI
init_db
add_users 10
D=86400
# 30 destinations added over the past 30 days, at odd hours
sql "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM c WHERE k < 30)
     INSERT INTO destinations(id, user_id, email, created_at) SELECT k, 1 + k % 10, 'd' || k || '@box.example', $NOW - k*$D + k*977 FROM c;
     CREATE TABLE t_gone(id INTEGER PRIMARY KEY, at INTEGER);"
for day in $(seq 0 42); do
  t=$((NOW + day*D))
  [ "$day" -eq 5 ] && sql "UPDATE destinations SET verified_at = $t WHERE id = 26"   # verifies after its notice
  expect_exit 0 mj run destination-verification-expiry --now $t
  sql "INSERT INTO t_gone SELECT k, $t FROM (SELECT CAST(substr(dedupe_key, 28) AS INTEGER) AS k FROM notification_outbox) AS q
       WHERE k NOT IN (SELECT id FROM destinations) AND k NOT IN (SELECT id FROM t_gone)"
done
assert_eq "$(sql "SELECT group_concat(id) FROM destinations")" 26 "all removed but the one verified"
assert_eq "$(sql "SELECT count(*), count(DISTINCT dedupe_key) FROM notification_outbox")" "30|30" "one notice each"
assert_eq "$(sql "SELECT count(*) FROM t_gone")" 29 "every removed destination had its notice"
rows=$(sql "SELECT g.id, o.created_at, g.at, $NOW - g.id*$D + g.id*977 FROM t_gone g
            JOIN notification_outbox o ON o.dedupe_key = 'destination_removal_notice:' || g.id ORDER BY g.id")
while IFS='|' read -r id noticed gone created; do
  [ "$gone" -gt $((created + 30*D)) ] || fail "id $id removed at $gone, inside the grace (created $created)"
  [ "$gone" -ge $((noticed + 3*D)) ] || fail "id $id removed at $gone, less than 3 d after its notice ($noticed)"
  promised=$(( created + 30*D > noticed + 3*D ? created + 30*D : noticed + 3*D ))
  [ $((gone - promised)) -le "$D" ] || fail "id $id removed at $gone, a day or more after $promised"
done <<<"$rows"
