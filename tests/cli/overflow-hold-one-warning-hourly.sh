# overflow-hold-expiry run every hour (--now stepped) for three days: every held message gets
# exactly one warning, within the hour after it is 29 d old, and is purged only after both its
# 30 d and a full day after its warning was sent, at the first run past the time its warning
# states. Here notification-delivery sends each warning in the tick that queued it (simulated).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
init_db
add_users 10
D=86400
# 40 messages whose warning points spread over the first two days (one exactly on the hour)
sql "WITH RECURSIVE c(k) AS (SELECT 0 UNION ALL SELECT k+1 FROM c WHERE k < 39)
     INSERT INTO overflow_hold(user_id, mail_from, rcpt_to, subject, raw_message, size_bytes, held_at)
     SELECT 1 + k % 10, 'x@example.net', 'b@example.org', 'msg ' || k, x'00', 1, $NOW - 29*$D + k*4321 FROM c;
     CREATE TABLE t_gone(id INTEGER PRIMARY KEY, at INTEGER);"
for h in $(seq 0 72); do
  t=$((NOW + h*3600))
  expect_exit 0 mj run overflow-hold-expiry --now $t
  sql "UPDATE notification_outbox SET status = 'sent', sent_at = $t WHERE status = 'queued'"
  sql "INSERT INTO t_gone SELECT k.id, $t FROM (SELECT CAST(substr(dedupe_key, 23) AS INTEGER) AS id FROM notification_outbox) k
       WHERE k.id NOT IN (SELECT id FROM overflow_hold) AND k.id NOT IN (SELECT id FROM t_gone)"
done
assert_eq "$(sql "SELECT count(*) FROM overflow_hold")" 0 "all purged after three days"
assert_eq "$(sql "SELECT count(*) FROM t_gone")" 40 "every message was warned before it went"
assert_eq "$(sql "SELECT count(*), count(DISTINCT dedupe_key) FROM notification_outbox")" "40|40" "exactly one warning each"
# The outbox row's created_at is the run that queued it; held_at is recoverable from the subject's k.
rows=$(sql "SELECT g.id, o.created_at, g.at, $NOW - 29*$D + CAST(substr(o.subject, instr(o.subject, ': msg ') + 6) AS INTEGER)*4321, o.subject
            FROM t_gone g JOIN notification_outbox o ON o.dedupe_key = 'overflow_hold_warning:' || g.id ORDER BY g.id")
while IFS='|' read -r id warned gone held subject; do
  warn_point=$((held + 29*D))
  [ "$warned" -gt "$warn_point" ] && [ $((warned - warn_point)) -le 3600 ] || fail "id $id warned at $warned, warning point $warn_point"
  promised=$(( held + 30*D > warned + D ? held + 30*D : warned + D ))
  [ "$gone" -gt $((held + 30*D)) ] || fail "id $id purged at $gone, before its 30 d ($((held + 30*D)))"
  [ "$gone" -ge $((warned + D)) ] || fail "id $id purged at $gone, less than a day after its warning ($warned)"
  [ "$gone" -ge "$promised" ] && [ $((gone - promised)) -le 3600 ] || fail "id $id purged at $gone, promised $promised"
  assert_contains "$subject" "will be deleted on {{mailjobs:sent+$D>=$((held + 30*D))}}" "subject of id $id (date filled in at send)"
done <<<"$rows"
