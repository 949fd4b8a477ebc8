# An SMTP server that refuses connections: transient, nothing lost. The run fails (exit 1) with the
# reason in history, the message that was tried stays due with the error but no attempt counted
# (a transport that is down is not an answer about the message, issue 12.2), the others are left
# as they were (not claimed), and everything goes once the server is up.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
# a port nothing listens on: bind a free one, then close it
SMTP_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mail_ini_smtp
init_db
add_failed 3
add_notices 2
expect_exit 1 mj run forward-retry --now $NOW
assert_contains "$ERR" "mail transport unavailable" "stderr"
err=$(sql "SELECT error FROM job_runs WHERE job='forward-retry'")
assert_contains "$err" "smtp 127.0.0.1: " "history error names the server"
assert_contains "$err" "onnect" "history error says it could not connect"
assert_eq "$(sql "SELECT outcome || ',' || exit_reason FROM job_runs WHERE job='forward-retry'")" "failed,error" "run outcome"
assert_eq "$(sql "SELECT group_concat(status || ',' || attempts || ',' || ifnull(next_attempt_at - $NOW, '-'), ' ') FROM (SELECT * FROM failed_emails ORDER BY id) AS q0")" \
  "pending,0,0 pending,0,0 pending,0,0" "tried one still due, attempts not counted; others untouched"
assert_contains "$(sql "SELECT last_error FROM failed_emails WHERE id = 1")" "onnect" "the tried one keeps the error"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE claimed_by IS NULL AND raw_message IS NOT NULL")" 3 "nothing claimed, nothing lost"
assert_eq "$(sql "SELECT ifnull(status_code, 'null') || ',' || will_retry FROM job_attempts")" "null,1" "attempt recorded without a reply code"
expect_exit 1 mj run notification-delivery --now $NOW
assert_eq "$(sql "SELECT group_concat(status || ',' || attempts, ' ') FROM notification_outbox")" "queued,0 queued,0" "notices wait, attempts not counted"
assert_eq "$(sql "SELECT count(*) FROM send_quota WHERE sent > 0")" 0 "no quota used"
# the server comes up on that port: everything goes, once
start_smtp
sed -i "s/^smtp_port = .*/smtp_port = $SMTP_PORT/" jobs.ini
expect_exit 0 mj run forward-retry --now $((NOW + 86400))
expect_exit 0 mj run notification-delivery --now $((NOW + 86400))
assert_eq "$(smtp_received)" 5 "all delivered once the server is up"
