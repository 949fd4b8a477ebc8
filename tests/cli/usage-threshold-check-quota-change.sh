# usage-threshold-check when the quota changes within a cycle (README's rule): thresholds are
# recorded once per (cycle, quota), so an upgrade re-arms them against the new quota and a
# downgrade records what the usage now crosses; nothing is recorded twice for the same quota.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/usage.bash"
cat >> jobs.ini <<'INI'
[job.usage-threshold-check]
pace_warning = false
INI
init_db
quota_user 1 1000 1
use 1 850 2027-03-05T00:00
check_at 2027-03-06T00:00
assert_eq "$(events 1)" "60/crossed@2027-03-01/1000 70/crossed@2027-03-01/1000 80/crossed@2027-03-01/1000" "85 % of 1000"
# Upgrade to 2000: 850 is 42 %, nothing new.
sql "UPDATE users SET quota_bytes = 2000 WHERE id = 1"
check_at 2027-03-07T00:00
assert_eq "$(sql "SELECT count(*) FROM usage_threshold_events")" 3 "after the upgrade: 42 %, nothing new"
use 1 400 2027-03-08T00:00
check_at 2027-03-08T01:00
assert_eq "$(sql "SELECT group_concat(threshold) FROM usage_threshold_events WHERE quota_bytes = 2000")" 60 "62 % of the new quota: 60 again, for 2000"
use 1 450 2027-03-09T00:00
check_at 2027-03-09T01:00
assert_eq "$(sql "SELECT group_concat(threshold) FROM (SELECT threshold FROM usage_threshold_events WHERE quota_bytes = 2000 ORDER BY 1) AS q0")" "60,70,80" "85 % of 2000"
assert_eq "$(outbox_keys 1)" "usage_threshold:1:$(t 2027-03-01):1000:80 usage_threshold:1:$(t 2027-03-01):2000:80" "80 % mailed once per quota"
# Downgrade back to 1000: 1700 bytes is 170 %: 100 is new for 1000; 60..80 were recorded already.
sql "UPDATE users SET quota_bytes = 1000 WHERE id = 1"
check_at 2027-03-10T00:00
assert_eq "$(sql "SELECT group_concat(threshold) FROM (SELECT threshold FROM usage_threshold_events WHERE quota_bytes = 1000 ORDER BY 1) AS q1")" "60,70,80,100" \
  "back on 1000: only 100 is new"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 3 "and mailed once"
assert_eq "$(sql "SELECT used_bytes || '/' || quota_bytes FROM usage_threshold_events WHERE threshold = 100")" "1700/1000" "event keeps usage and quota"
check_at 2027-03-10T01:00
assert_eq "$(sql "SELECT count(*) FROM usage_threshold_events")" 7 "rerun: nothing new (4 for 1000, 3 for 2000)"
