# usage-threshold-check on fixed days of billing cycles: anchor 31 in February, anchor 29 on
# Feb 29 of a leap year, a cycle rollover between two runs, runs missed for three days, several
# thresholds crossed at once (each recorded, one notice naming the highest), e-mail only for the
# thresholds configured to mail, a pace warning not in the first quarter of a cycle; the notice
# goes out once through notification-delivery.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/usage.bash"
cat >> jobs.ini <<'INI'
[mail]
transport = maildir
maildir_path = var/maildir
from_address = porter@relay.example.com
timeout = 5s
[job.usage-threshold-check]
pace_warning = false
INI
init_db
# Anchor 31 in February 2027 (28 days): the cycle [Jan 31, Feb 28) ends on Feb 28.
quota_user 1 1000 31
use 1 650 2027-02-10T08:00
use 1 200 2027-01-30T23:59   # the cycle before: not counted
check_at 2027-02-27T12:00
assert_eq "$(events 1)" "60/crossed@2027-01-31/1000" "anchor 31, Feb 27: 65 % of Jan 31's cycle"
assert_eq "$(outbox_keys 1)" "-" "60 % is not mailed (mail_thresholds = 80,100)"
assert_eq "$(sql "SELECT count(*) FROM notifications WHERE user_id = 1 AND type = 'usage_threshold'")" 1 "an in-app notification"
use 1 100 2027-02-28T00:30
check_at 2027-02-28T01:00
assert_eq "$(events 1)" "60/crossed@2027-01-31/1000" "Feb 28 starts a new cycle: 10 %, nothing new"
use 1 700 2027-02-28T05:00
check_at 2027-02-28T06:00
assert_eq "$(events 1)" "60/crossed@2027-01-31/1000 60/crossed@2027-02-28/1000 70/crossed@2027-02-28/1000 80/crossed@2027-02-28/1000" \
  "60, 70 and 80 crossed at once in the new cycle: each recorded"
assert_eq "$(outbox_keys 1)" "usage_threshold:1:$(t 2027-02-28):1000:80" "one notice, naming the highest"
assert_contains "$(sql "SELECT subject FROM notification_outbox WHERE user_id = 1")" "80 % of your forwarding quota" "subject names 80 %"
assert_contains "$(sql "SELECT body FROM notification_outbox WHERE user_id = 1")" "Wednesday 31 March 2027" "body says when the cycle ends"

# Anchor 29 in a leap year: Feb 29 2028 starts a cycle; Feb 28 belongs to the one before.
quota_user 2 1000 29
use 2 900 2028-02-28T20:00
use 2 1000 2028-02-29T05:00
check_at 2028-02-29T10:00
assert_eq "$(events 2)" "60/crossed@2028-02-29/1000 70/crossed@2028-02-29/1000 80/crossed@2028-02-29/1000 100/crossed@2028-02-29/1000" \
  "Feb 29 2028: 100 % of the cycle that started today (Feb 28's 900 bytes belong to the one before)"
assert_eq "$(outbox_keys 2)" "usage_threshold:2:$(t 2028-02-29):1000:100" "one notice naming 100"
assert_contains "$(sql "SELECT subject FROM notification_outbox WHERE user_id = 2")" "whole forwarding quota" "100 % subject"

# A rollover between two runs (anchor 1): 85 % on Mar 31, then 61 % of April's cycle on Apr 1.
quota_user 3 1000 1
use 3 850 2027-03-15T00:00
check_at 2027-03-31T23:00
assert_eq "$(events 3)" "60/crossed@2027-03-01/1000 70/crossed@2027-03-01/1000 80/crossed@2027-03-01/1000" "March: 85 %"
use 3 610 2027-04-01T00:30
check_at 2027-04-01T01:00
assert_eq "$(events 3)" "60/crossed@2027-03-01/1000 70/crossed@2027-03-01/1000 80/crossed@2027-03-01/1000 60/crossed@2027-04-01/1000" \
  "April re-arms the thresholds: 60 % again, once"
assert_eq "$(outbox_keys 3)" "usage_threshold:3:$(t 2027-03-01):1000:80" "April's 60 % is not mailed"
assert_eq "$(sql "SELECT count(*) FROM notifications WHERE user_id = 3")" 2 "but shown in the app"

# Runs missed for three days: 30 % on Mar 27, then 90 % found on Mar 30: each threshold once,
# one notice; the runs after that find nothing new.
quota_user 4 1000 1
use 4 300 2027-03-26T00:00
check_at 2027-03-27T00:00
assert_eq "$(events 4)" "-" "Mar 27: 30 %"
use 4 600 2027-03-29T00:00
for h in 00 01 02 03; do check_at 2027-03-30T$h:00; done
assert_eq "$(events 4)" "60/crossed@2027-03-01/1000 70/crossed@2027-03-01/1000 80/crossed@2027-03-01/1000" "each threshold once"
assert_eq "$(outbox_keys 4)" "usage_threshold:4:$(t 2027-03-01):1000:80" "one notice in four runs"
assert_eq "$(sql "SELECT count(*) FROM notifications WHERE user_id = 4")" 1 "one in-app notification"

# Pace (May 2027, 31 days): 1000 of 3100 bytes after 4 days is before the first 25 %: nothing;
# 1100 after 10 days (32 %) projects to 3410 > 3100: one pace event and notice.
pace() { expect_exit 0 mj run usage-threshold-check --now "$1" --set job.usage-threshold-check.pace_warning=true; }
quota_user 5 3100 1
quota_user 6 1000 1
use 6 650 2027-05-10T00:00
use 5 1000 2027-05-02T00:00
pace 2027-05-05T00:00
assert_eq "$(events 5)" "-" "no pace warning in the first quarter of the cycle"
use 5 100 2027-05-10T00:00
pace 2027-05-11T00:00
assert_eq "$(events 5)" "100/pace@2027-05-01/3100" "pace: 1100 / (10/31) = 3410 > 3100"
assert_eq "$(outbox_keys 5)" "usage_pace:5:$(t 2027-05-01):3100" "the pace notice"
assert_contains "$(sql "SELECT body FROM notification_outbox WHERE user_id = 5")" "At the current pace" "it says why"
assert_eq "$(events 6)" "60/crossed@2027-05-01/1000 100/pace@2027-05-01/1000" "user 6: 65 % and on pace for 201 %"
assert_eq "$(outbox_keys 6)" "usage_threshold:6:$(t 2027-05-01):1000:60" "60 % is not mailed, but the new pace warning is: one notice"
assert_contains "$(sql "SELECT body FROM notification_outbox WHERE user_id = 6")" "At the current pace" "the notice names the pace"
pace 2027-05-11T01:00
assert_eq "$(outbox_keys 5)" "usage_pace:5:$(t 2027-05-01):3100" "once per cycle"

# The same numbers when the earlier days come from the rollups (bandwidth-rollup ran).
expect_exit 0 mj run bandwidth-rollup --now 2027-05-12T00:30
use 5 1000 2027-05-12T01:00
pace 2027-05-12T02:00
assert_eq "$(events 5)" "60/crossed@2027-05-01/3100 100/pace@2027-05-01/3100" "2100 bytes: rollups (1100) + today's raw row (1000)"
assert_eq "$(sql "SELECT used_bytes FROM usage_threshold_events WHERE user_id = 5 AND threshold = 60")" 2100 "usage recorded with the event"

# notification-delivery sends every queued notice once.
expect_exit 0 mj run notification-delivery --now 2028-03-01T00:00
assert_eq "$(ls var/maildir/new | wc -l)" "$(sql "SELECT count(*) FROM notification_outbox")" "one mail per notice"
assert_eq "$(grep -l "X-Mailjobs-Notice: .* usage_threshold" var/maildir/new/* | wc -l)" 6 "six usage notices mailed"
expect_exit 0 mj run notification-delivery --now 2028-03-01T01:00
assert_eq "$(ls var/maildir/new | wc -l)" "$(sql "SELECT count(*) FROM notification_outbox")" "and only once"
