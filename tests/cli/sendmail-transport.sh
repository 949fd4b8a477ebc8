# The sendmail transport through a real program on the PATH that records its arguments and
# standard input. Forwards: -t dropped, envelope as "-f SENDER -- RCPT", message bytes unchanged.
# Notices: the configured "-t -i" kept, recipients read from the To: header. Exit 75
# (EX_TEMPFAIL) is transient, 67 (EX_NOUSER) permanent, and a missing program fails the run with
# the reason in history while the mail waits.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
mkdir -p bin sent
export FAKE_SENDMAIL_DIR=$WORK/sent
cat > bin/fake-sendmail <<'SH'
#!/bin/bash
# Records argv (one per line) and stdin; answers as told by files in $FAKE_SENDMAIL_DIR.
d=$FAKE_SENDMAIL_DIR; n=$(date +%s%N)
in=$(cat; echo x); in=${in%x}
if [ -f "$d/tempfail" ]; then echo "queue directory busy" >&2; exit 75; fi
if [ -f "$d/permfail" ]; then echo "user unknown" >&2; exit 67; fi
printf '%s\n' "$@" > "$d/$n.argv"; printf '%s' "$in" > "$d/$n.stdin"
SH
chmod +x bin/fake-sendmail
export PATH=$WORK/bin:$PATH
cat >> jobs.ini <<'INI'
[mail]
transport = sendmail
sendmail_command = fake-sendmail -t -i
from_address = porter@mail.example.net
INI
init_db
add_failed 1
expect_exit 0 mj run forward-retry --now $NOW
assert_eq "$(ls sent/*.argv | wc -l)" 1 "sendmail runs"
assert_eq "$(cat sent/*.argv | tr '\n' ' ')" "-i -f sender@sender.example.com -- dest1@example.org " "forward argv (no -t)"
assert_eq "$(cat sent/*.stdin)" "$(sql "SELECT hex(raw_message) FROM failed_emails WHERE id=1" | xxd -r -p)" "message bytes on stdin"
assert_eq "$(sql "SELECT status FROM failed_emails WHERE id=1")" "delivered" "forward delivered"
rm sent/*

add_notices 1
expect_exit 0 mj run notification-delivery --now $NOW
assert_eq "$(cat sent/*.argv | tr '\n' ' ')" "-t -i -f porter@mail.example.net " "notice argv (-t kept, recipients from To:)"
assert_contains "$(cat sent/*.stdin)" "To: <user1@example.com>" "To: header"
assert_contains "$(cat sent/*.stdin)" 'From: "Porter" <porter@mail.example.net>' "From: header"
if grep -q $'\r' sent/*.stdin; then fail "CR in a message piped to sendmail"; fi
rm sent/*

# exit 75: transient, retried on the schedule; the run itself is fine
add_failed 1 $NOW tf
touch sent/tempfail
expect_exit 0 mj run forward-retry --now $((NOW + 3600))
assert_eq "$(sql "SELECT status || ',' || attempts || ',' || last_status_code || ',' || (next_attempt_at - $NOW) FROM failed_emails WHERE rcpt_to='tf1@example.org'")" "pending,1,75,21600" "EX_TEMPFAIL retried"
assert_contains "$(sql "SELECT last_error FROM failed_emails WHERE rcpt_to='tf1@example.org'")" "exited 75: queue directory busy" "stderr captured"
rm sent/tempfail

# exit 67: permanent, final at once, one notice
touch sent/permfail
expect_exit 0 mj run forward-retry --now $((NOW + 21600))
assert_eq "$(sql "SELECT status || ',' || attempts || ',' || last_status_code FROM failed_emails WHERE rcpt_to='tf1@example.org'")" "failed,2,67" "EX_NOUSER final"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE dedupe_key='forward_failed:2'")" 1 "notice queued"
rm sent/permfail

# the program is missing: the run fails with the reason; the message waits untouched otherwise
add_failed 2 $NOW gone
sed -i 's/^sendmail_command = .*/sendmail_command = no-such-sendmail -t -i/' jobs.ini
expect_exit 1 mj run forward-retry --now $((NOW + 3600))
assert_contains "$ERR" "mail transport unavailable" "stderr"
assert_contains "$(sql "SELECT error FROM job_runs ORDER BY id DESC LIMIT 1")" "cannot run no-such-sendmail" "history error"
assert_eq "$(sql "SELECT group_concat(status || ',' || attempts, ' ') FROM (SELECT * FROM failed_emails WHERE rcpt_to LIKE 'gone%' ORDER BY id) AS q0")" "pending,0 pending,0" "first tried (not counted: transport down), second left for later"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE rcpt_to LIKE 'gone%' AND claimed_by IS NULL")" 2 "no claim left behind"
