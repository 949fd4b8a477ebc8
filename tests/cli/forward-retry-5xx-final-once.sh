# A 5xx answer is permanent: the forward fails for good on its first retry (no further attempt),
# exactly one notice goes to the user, and notification-delivery then mails that notice once,
# from Porter. Per-recipient: only the refused recipient's message fails; the others go through.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
init_db
add_failed 3
smtp_control '{"rcpt": {"dest2@example.org": "550 5.1.1 <dest2@example.org>: no such user"}}'
expect_exit 0 mj run forward-retry --now $NOW
assert_eq "$(smtp_received)" 2 "the other two delivered"
assert_eq "$(sql "SELECT status || ',' || attempts || ',' || last_status_code || ',' || ifnull(next_attempt_at, 'null') FROM failed_emails WHERE rcpt_to='dest2@example.org'")" "failed,1,550,null" "refused one failed at once"
assert_contains "$(sql "SELECT last_error FROM failed_emails WHERE rcpt_to='dest2@example.org'")" "550 5.1.1 <dest2@example.org>: no such user" "server's reply kept"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE status='delivered'")" 2 "others delivered"
assert_eq "$(sql "SELECT count(*) || ' ' || min(dedupe_key) FROM notification_outbox")" "1 forward_failed:2" "exactly one notice"
assert_eq "$(sql "SELECT will_retry || ':' || status_code FROM job_attempts WHERE item_id=2")" "0:550" "attempt recorded, no retry"
assert_eq "$(sql "SELECT counts FROM job_runs WHERE job='forward-retry'")" '{"delivered":2,"failed":1,"notices_queued":1}' "history counts"
# a rerun neither retries it nor queues a second notice
expect_exit 0 mj run forward-retry --now $((NOW + 7 * 3600))
assert_eq "$(smtp_rejected)" 1 "refused once only"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 1 "still one notice"
# the notice goes out once, from the porter persona, to the user
smtp_control '{}'
expect_exit 0 mj run notification-delivery --now $NOW
expect_exit 0 mj run notification-delivery --now $((NOW + 60))
assert_eq "$(smtp_received)" 3 "notice mailed once"
last=$(tail -n 1 "$SMTP_DIR/messages.jsonl")
m() { /usr/bin/python3 -c 'import json,sys; m=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$last" "$1"; }
assert_eq "$(m 'm["rcpt_tos"]')" "['owner@example.com']" "notice recipient"
assert_eq "$(m 'm["mail_from"]')" "porter@mail.example.net" "notice envelope sender"
assert_contains "$(m 'm["data"]')" 'From: "Porter" <porter@mail.example.net>' "From header"
assert_contains "$(m 'm["data"]')" "Subject: Undelivered: a message could not be forwarded to dest2@example.org" "Subject header"
assert_contains "$(m 'm["data"]')" "Auto-Submitted: auto-generated" "auto-submitted"
assert_eq "$(sql "SELECT status || ',' || attempts || ',' || (sent_at = $NOW) FROM notification_outbox")" "sent,1,1" "notice sent"
