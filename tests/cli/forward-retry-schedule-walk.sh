# forward-retry walks 1h, 6h, 24h, 48h after the FIRST failure (--now stepped through the days)
# while the server answers 451: nothing is tried before it is due, each attempt moves
# next_attempt_at to the next step and is recorded, and the fourth failure is final with exactly
# one notice to the user. The message stays in the table (failed-email-expiry purges it later).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
init_db
add_failed 1 $NOW                         # failed at NOW, first retry due at NOW + 1h
smtp_control '{"data": "451 4.3.0 mailbox busy, try later"}'
state() { sql "SELECT status || ',' || attempts || ',' || ifnull(next_attempt_at - $NOW, 'null') FROM failed_emails WHERE id = 1"; }
step() {  # step OFFSET EXPECTED_ATTEMPTS_AT_SERVER EXPECTED_STATE
  expect_exit 0 mj run forward-retry --now $((NOW + $1))
  assert_eq "$(smtp_rejected)" "$2" "attempts seen by the server after run at +$1 s"
  assert_eq "$(state)" "$3" "row after run at +$1 s"
}
step 3599   0 "pending,0,3600"      # 1 s early: nothing
step 3600   1 "pending,1,21600"     # 1h: fails, next at 6h
step 21599  1 "pending,1,21600"
step 21600  2 "pending,2,86400"     # 6h: next at 24h
step 86399  2 "pending,2,86400"
step 86400  3 "pending,3,172800"    # 24h: next at 48h
step 172800 4 "failed,4,null"       # 48h: the last retry fails: final
assert_eq "$(smtp_received)" 0 "nothing delivered"
assert_eq "$(sql "SELECT last_status_code || ' ' || (last_error LIKE '%451%') || ' ' || (failed_at = $NOW + 172800) || ' ' || (final_notice_queued_at IS NOT NULL) FROM failed_emails")" "451 1 1 1" "final state"
assert_eq "$(sql "SELECT group_concat(attempt || ':' || status_code || ':' || will_retry || ':' || ifnull(next_retry_at - $NOW, '-'), ' ') FROM (SELECT * FROM job_attempts WHERE item_table='failed_emails' ORDER BY id) AS q0")" \
  "1:451:1:21600 2:451:1:86400 3:451:1:172800 4:451:0:-" "every attempt recorded"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 1 "one notice"
assert_eq "$(sql "SELECT user_id || ' ' || to_address || ' ' || persona || ' ' || kind || ' ' || dedupe_key || ' ' || status FROM notification_outbox")" \
  "1 owner@example.com porter forward_failed forward_failed:1 queued" "the notice"
assert_contains "$(sql "SELECT body FROM notification_outbox")" "could not be forwarded to dest1@example.org" "notice body"
assert_contains "$(sql "SELECT body FROM notification_outbox")" "Subject:       forward 1" "notice names the message"
# later runs change nothing and queue no second notice
expect_exit 0 mj run forward-retry --now $((NOW + 200000))
assert_eq "$(smtp_rejected)" 4 "no fifth attempt"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 1 "still one notice"
assert_eq "$(sql "SELECT count(*) FROM failed_emails")" 1 "message kept"
