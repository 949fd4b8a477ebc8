# `mailjobs status` does not count as due the queue rows that wait because their user is
# soft-deleted or suspended (no job takes them, BJ-18): they are shown apart as "waiting (user
# inactive)", in the text table, in --json (waiting_user_inactive) and in --prom. Operator notices
# (user_id NULL) stay due; an undo makes the rows due again.
. "$(dirname "$0")/lib.sh"
init_db
add_users 3
R=$(date +%s)   # status reads the real clock
# user 1 active, user 2 soft-deleted (grace running), user 3 suspended; every row below is due
sql "UPDATE users SET status = 'deleted', deleted_at = $R - 60 WHERE id = 2;
     UPDATE users SET status = 'suspended' WHERE id = 3;
     INSERT INTO failed_emails(user_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at, next_attempt_at, status) VALUES
       (1, 'a@x.com', 'b@y.com', 'raw', 3, $R - 7200, $R - 1, 'pending'),
       (2, 'a@x.com', 'b@y.com', 'raw', 3, $R - 7200, $R - 1, 'pending'),
       (2, 'a@x.com', 'b@y.com', 'raw', 3, $R - 7200, $R - 1, 'pending'),
       (3, 'a@x.com', 'b@y.com', 'raw', 3, $R - 7200, $R - 1, 'pending');
     INSERT INTO delivery_log(user_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at) VALUES
       (1, 'http://x/h', 'h', '{}', 'pending', $R - 10, $R - 500),
       (2, 'http://x/h', 'h', '{}', 'failed', $R - 10, $R - 400),
       (3, 'http://x/h', 'h', '{}', 'pending', $R - 10, $R - 300);
     INSERT INTO notification_outbox(user_id, to_address, kind, subject, body, dedupe_key, status, next_attempt_at, created_at) VALUES
       (1, 'u1@x.com', 'k', 's', 'b', 'k1', 'queued', $R - 5, $R - 60),
       (2, 'u2@x.com', 'k', 's', 'b', 'k2', 'queued', $R - 5, $R - 50),
       (NULL, 'ops@x.com', 'k', 's', 'b', 'k3', 'queued', $R - 5, $R - 40);"

q() { /usr/bin/python3 -c "import json,sys; q=json.load(sys.stdin)['queues']['$1']; print(q['pending'], q['due'], q['waiting_user_inactive'])" <<<"$OUT"; }
expect_exit 0 mj status --json
assert_eq "$(q failed_emails)" "4 1 3" "failed_emails: pending, due, waiting (user inactive)"
assert_eq "$(q delivery_log)" "3 1 2" "delivery_log: pending, due, waiting (user inactive)"
assert_eq "$(q notification_outbox)" "3 2 1" "notification_outbox: operator notice stays due"

expect_exit 0 mj status
assert_contains "$OUT" "WAITING (USER INACTIVE)" "text status column"
assert_eq "$(grep '^failed_emails ' <<<"$OUT" | awk '{print $2, $3, $4}')" "4 1 3" "text status row"

expect_exit 0 mj status --prom var/mailjobs.prom
assert_contains "$(cat var/mailjobs.prom)" 'mailjobs_queue_due{queue="failed_emails"} 1' "prom due"
assert_contains "$(cat var/mailjobs.prom)" 'mailjobs_queue_waiting_user_inactive{queue="failed_emails"} 3' "prom waiting"

# The same number forward-retry reports in history for the rows it leaves waiting
expect_exit 0 mj run forward-retry --dry-run --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[0]['counts']['waiting_user_inactive'])" <<<"$OUT")" 3 \
  "forward-retry's waiting_user_inactive"

# undo: user 2 active again, its rows are due
sql "UPDATE users SET status = 'active', deleted_at = NULL WHERE id = 2"
expect_exit 0 mj status --json
assert_eq "$(q failed_emails)" "4 3 1" "failed_emails after the undo"
assert_eq "$(q notification_outbox)" "3 3 0" "notification_outbox after the undo"
