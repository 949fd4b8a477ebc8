# issue 12.3: held mail is purged only warn_before after its warning was SENT. While the warning
# is stuck (no from_address), the message is kept; after unsent_alert_after the operator is
# alerted once; the date in the warning is the one its sending makes true, and the purge keeps it.
# (Before: the purge counted from warning_queued_at, deleted the mail on day 31, and the warning
# arrived later saying it "will be deleted" on a day that had passed.)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/http_helpers.sh"
start_http_server
cat >> jobs.ini <<INI
[mail]
transport = maildir
maildir_path = var/md
[http]
allow_private_addresses = true
[alerts]
webhook_url = $HTTP_URL/alert
INI
init_db
add_users 1
D=86400
sql "INSERT INTO overflow_hold(id, user_id, mail_from, rcpt_to, subject, raw_message, size_bytes, held_at)
     VALUES (1, 1, 'x@example.net', 'b@example.org', 'invoice', x'00', 1, $NOW - 29*$D - 3600)"
kept() { sql "SELECT count(*) FROM overflow_hold WHERE id = 1"; }
run() { expect_exit 0 mj run overflow-hold-expiry --now "$@"; }

run $NOW
expect_exit 1 mj run notification-delivery --now $NOW   # no from_address: the warning waits
assert_contains "$ERR" "from_address is not set"
assert_eq "$(sql "SELECT status FROM notification_outbox WHERE dedupe_key = 'overflow_hold_warning:1'")" queued "warning queued, not sent (no from_address)"
run $((NOW + 2*D))
assert_eq "$(kept)" 1 "past 30 d and a day after queueing, but the warning is unsent: kept"
assert_eq "$(http_count /alert)" 0 "no alert before unsent_alert_after"
run $((NOW + 3*D + 1))
assert_eq "$(kept)" 1 "still kept"
assert_eq "$(http_count /alert)" 1 "operator alerted after unsent_alert_after (2 d beyond warn_before)"
assert_contains "$(http_py "reqs[0]['body']")" "1 held message kept: deletion warning not sent" "alert text"
run $((NOW + 3*D + 3600))
run $((NOW + 3*D + 7200))
assert_eq "$(http_count /alert)" 1 "alerted once"
assert_eq "$(sql "SELECT count(*) FROM operator_alerts WHERE job = 'overflow-hold-expiry' AND status = 'sent'")" 1 "alert recorded"

# the relay is fixed: the warning goes out now and promises a full day from now
expect_exit 0 mj run notification-delivery --now $((NOW + 4*D)) --set mail.from_address=hold@mail.example.net
sent=$(sql "SELECT sent_at FROM notification_outbox WHERE dedupe_key = 'overflow_hold_warning:1' AND status = 'sent'")
[ -n "$sent" ] || fail "warning not sent"
mail=$(cat var/md/new/*)
promised=$(date -u -d @$((sent + D)) '+%A %d %B %Y, %H:%M UTC')
assert_contains "$mail" "It will be deleted after $promised" "the date its sending makes true"
if grep -q "{{mailjobs" <<<"$mail"; then fail "a placeholder reached the user"; fi
run $((sent + D - 60))
assert_eq "$(kept)" 1 "a minute before the promised time: kept"
run $((sent + D))
assert_eq "$(kept)" 0 "purged a full day after the warning was sent"
