# notification-delivery's hourly cap is kept in the database (send_quota), so it holds across
# runs: two runs in the same hour send `hourly_cap` in total, the next hour sends the next
# `hourly_cap`, and mail the application counted into the window itself reduces the room.
# A failed send gives its slot back.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
printf '[job.notification-delivery]\nhourly_cap = 10\nbatch_size = 4\n' >> jobs.ini
init_db
add_notices 35
H=$((NOW - NOW % 3600))          # the clock hour NOW is in
expect_exit 0 mj run notification-delivery --now $NOW
assert_eq "$(smtp_received)" 10 "first run: the cap"
assert_contains "$(sql "SELECT error FROM job_runs ORDER BY id DESC LIMIT 1")" "hourly cap reached" "history says why it stopped"
expect_exit 0 mj run notification-delivery --now $((H + 3599))
assert_eq "$(smtp_received)" 10 "second run, same hour: nothing more"
assert_eq "$(sql "SELECT sent FROM send_quota WHERE window_start = $H")" 10 "window count"
expect_exit 0 mj run notification-delivery --now $((H + 3600))
assert_eq "$(smtp_received)" 20 "next hour: ten more"
# the application sent 7 itself in the hour after: 3 left for us
sql "INSERT INTO send_quota(window_start, sent) VALUES($H + 7200, 7)"
expect_exit 0 mj run notification-delivery --now $((H + 7200 + 10))
assert_eq "$(smtp_received)" 23 "room left by the application"
# refused notices give their slots back: all 12 left are tried, none counted
smtp_control '{"rcpt": {"user1@example.com": "451 4.7.1 slow down"}}'
expect_exit 0 mj run notification-delivery --now $((H + 10800))
assert_eq "$(sql "SELECT sent FROM send_quota WHERE window_start = $H + 10800")" 0 "failed sends are not counted"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status='queued' AND attempts=1 AND last_error LIKE '%451%'")" 12 "retried later"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status='sent'")" 23 "sent rows match the server"
assert_eq "$(smtp_field 'm["data"]' | grep -c '^Subject: Notice')" 23 "each sent once"
