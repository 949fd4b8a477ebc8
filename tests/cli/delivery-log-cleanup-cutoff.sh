# delivery-log-cleanup deletes finished webhook deliveries (delivered, permanently_failed) older
# than 90 d: a row exactly at the cutoff stays; pending, delivering and failed (retry scheduled)
# rows stay however old; dry-run counts exactly what the real run deletes; a rerun deletes 0;
# --older-than and older_than move the cutoff; counts per table in history; the enabled flag.
. "$(dirname "$0")/lib.sh"
init_db
add_users 3
cut=$((NOW - 90*86400))
# dl STATUS CREATED_AT N: N deliveries (time-ordered uuids, as the application should write them)
dl() {
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $3)
       INSERT INTO delivery_log(uuid, user_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
       SELECT lower(printf('%08x', $2) || hex(randomblob(12))), 1 + i % 3, 'https://hooks.example/in', hex(randomblob(8)),
              '{\"event\":\"message.delivered\"}', '$1', CASE WHEN '$1' IN ('pending','failed') THEN $NOW ELSE NULL END, $2 FROM c"
}
dl delivered $((cut - 1)) 500
dl permanently_failed $((cut - 86400)) 200
dl delivered $cut 7                      # exactly at the cutoff: stays
dl delivered $((cut + 1)) 3
dl pending $((cut - 5*86400)) 11         # still in webhook-retry's hands: stay
dl delivering $((cut - 5*86400)) 4
dl failed $((cut - 5*86400)) 6
dl delivered $((NOW - 86400)) 50
expected=$(sql "SELECT count(*) FROM delivery_log WHERE created_at < $cut AND status IN ('delivered','permanently_failed')")
assert_eq "$expected" 700 "set-up"

expect_exit 0 mj run delivery-log-cleanup --dry-run --now $NOW --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[0]['counts']['delivery_log'])" <<<"$OUT")" 700 "dry-run count"
assert_eq "$(sql "SELECT count(*) FROM delivery_log")" 781 "dry-run deletes nothing"

expect_exit 0 mj run delivery-log-cleanup --now $NOW --set job.delivery-log-cleanup.batch_size=64
assert_eq "$(sql "SELECT changed || '|' || counts || '|' || outcome FROM job_runs ORDER BY id DESC LIMIT 1")" \
  '700|{"delivery_log":700}|done' "history of the real run"
assert_eq "$(sql "SELECT group_concat(s, ' ') FROM (SELECT status || ':' || count(*) AS s FROM delivery_log GROUP BY status ORDER BY status) AS q0")" \
  "delivered:60 delivering:4 failed:6 pending:11" "rows left"
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE created_at = $cut")" 7 "rows exactly at the cutoff"
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE created_at < $cut AND status IN ('delivered','permanently_failed')")" 0 "expired finished rows"

expect_exit 0 mj run delivery-log-cleanup --now $NOW
assert_eq "$(sql "SELECT changed FROM job_runs ORDER BY id DESC LIMIT 1")" 0 "rerun deletes 0"

# --older-than 30d: the 10 finished rows from day 90 go; unfinished ones still stay.
expect_exit 0 mj run delivery-log-cleanup --now $NOW --older-than 30d
assert_eq "$(sql "SELECT changed FROM job_runs ORDER BY id DESC LIMIT 1")" 10 "--older-than 30d"
# older_than = 1d from config: the 50 rows exactly 1 d old sit at the cutoff and stay; 23h takes them.
expect_exit 0 mj run delivery-log-cleanup --now $NOW --set job.delivery-log-cleanup.older_than=1d
assert_eq "$(sql "SELECT changed FROM job_runs ORDER BY id DESC LIMIT 1")" 0 "older_than = 1d"
expect_exit 0 mj run delivery-log-cleanup --now $NOW --set job.delivery-log-cleanup.older_than=23h
assert_eq "$(sql "SELECT changed FROM job_runs ORDER BY id DESC LIMIT 1")" 50 "older_than = 23h"
assert_eq "$(sql "SELECT count(*) FROM delivery_log")" 21 "only unfinished deliveries left"

# The enabled flag and the default schedule (seed 000's interval).
cat >> jobs.ini <<'INI'
[job.delivery-log-cleanup]
enabled = false
INI
expect_exit 0 mj list --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; j=[x for x in json.load(sys.stdin) if x['name']=='delivery-log-cleanup'][0]; print(j['enabled'], j['schedule'])" <<<"$OUT")" \
  "False every 24h" "list shows the job disabled"
