# Notices that lower-priority jobs queue in a tick (an overflow-hold warning, the account-deletion
# notice) go out in that same tick: after the last job, notification-delivery gets one follow-up
# turn (core/due.h rule 5), shown in history as a second run row with the tick's trigger. A tick
# that queues nothing, or whose hourly cap is used up, has no follow-up turn.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
cat >> jobs.ini <<'INI'
[mail]
transport = maildir
maildir_path = var/md
from_address = porter@mail.example.net
timeout = 5s
[job.account-deletion]
grace = 0
INI
init_db
D=86400
# user 1: a held message past its warning point (29 d old); user 2: deleted, grace over
sql "INSERT INTO users(id, uuid, email, created_at) VALUES(1, 'uuid-1', 'user1@example.com', $NOW - 400*$D),
                                                          (2, 'uuid-2', 'user2@example.com', $NOW - 400*$D);
     UPDATE users SET status = 'deleted', deleted_at = $NOW - 60 WHERE id = 2;
     INSERT INTO overflow_hold(user_id, mail_from, rcpt_to, subject, raw_message, size_bytes, held_at)
     VALUES(1, 'x@example.net', 'b@example.org', 'held', x'00', 1, $NOW - 29*$D - 60);"

nd_runs() { sql "SELECT count(*) FROM job_runs WHERE job = 'notification-delivery' AND id > $1"; }
expect_exit 0 mj tick --now $NOW --max-runtime 60s
assert_eq "$(sql "SELECT group_concat(kind || '=' || status, ' ') FROM (SELECT kind, status FROM notification_outbox ORDER BY kind) AS q0")" \
  "account_deleted=sent overflow_hold_warning=sent" "both notices sent in the tick that queued them"
assert_eq "$(ls var/md/new | wc -l)" 2 "e-mails written"
assert_eq "$(grep -l '^Delivered-To: user2@example.com$' var/md/new/* | wc -l)" 1 "deletion notice to the deleted user's address"
# History: notification-delivery twice, the second after the jobs that queued the notices, trigger cron
assert_eq "$(sql "SELECT group_concat(trigger || ':' || outcome || ':' || coalesce(CAST(json_extract(counts, '$.sent') AS INTEGER), 0), ' ') FROM
                  (SELECT * FROM job_runs WHERE job = 'notification-delivery' ORDER BY id) AS q1")" \
  "cron:done:0 cron:done:2" "notification-delivery runs of the tick"
last_nd=$(sql "SELECT max(id) FROM job_runs WHERE job = 'notification-delivery'")
assert_eq "$(sql "SELECT max(id) FROM job_runs")" "$last_nd" "the follow-up is the tick's last run"
for j in overflow-hold-expiry account-deletion; do
  [ "$(sql "SELECT id FROM job_runs WHERE job = '$j'")" -lt "$last_nd" ] || fail "$j ran after the follow-up"
done
assert_contains "$(cat var/mailjobs.log)" '"event":"follow_up_turn"' "log"

# The next tick (a minute later) queues nothing: one notification-delivery run, no follow-up.
mark=$(sql "SELECT max(id) FROM job_runs")
expect_exit 0 mj tick --now $((NOW + 60)) --max-runtime 60s
assert_eq "$(nd_runs $mark)" 1 "no follow-up when nothing is due"

# Hourly cap used up: a new warning waits for the next hour, without a follow-up turn that could send nothing.
sql "INSERT INTO overflow_hold(user_id, mail_from, rcpt_to, subject, raw_message, size_bytes, held_at)
     VALUES(1, 'x@example.net', 'b@example.org', 'held 2', x'00', 1, $NOW - 29*$D + 3000);
     INSERT INTO send_quota(window_start, sent) VALUES($(( (NOW + 7200) / 3600 * 3600 )), 100)"
mark=$(sql "SELECT max(id) FROM job_runs")
expect_exit 0 mj tick --now $((NOW + 7200)) --max-runtime 60s
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status = 'queued'")" 1 "warning queued under the cap"
assert_eq "$(nd_runs $mark)" 1 "no follow-up under a full hourly cap"
