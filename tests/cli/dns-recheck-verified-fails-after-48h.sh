#!/usr/bin/env bash
# dns-recheck: a verified domain whose records are gone loses `verified` only after 3 fails in a
# row spanning at least 48 h: three manual checks within an hour do not do it, nor the daily
# checks of day 0 and day 1; day 2's does, with one notice; day 3's queues none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/dns.sh"
start_dnsmasq --mx-host=gone.test,mx1.mail.test,10 --txt-record=gone.test,"some other text"
dns_ini
init_db
add_users 1
add_domain 1 gone.test verified tok-gone $((NOW - 90 * 86400))
for m in 0 10 20; do expect_exit 0 mj run dns-recheck --domain gone.test --now $((NOW + m * 60)); done
assert_eq "$(domain_field gone.test status)" verified "3 fails in 20 min: still verified"
assert_eq "$(domain_field gone.test check_failures)" 3 "3 fails counted"
assert_eq "$(domain_field gone.test failing_since)" $NOW "first fail"
expect_exit 0 mj run dns-recheck --now $((NOW + 1 * 86400 + 1800))  # the manual checks moved the daily one by 20 min
assert_eq "$(domain_field gone.test status)" verified "24 h: still verified"
assert_eq "$(notices_of gone.test)" 0 "no notice yet"
expect_exit 0 mj run dns-recheck --now $((NOW + 2 * 86400 + 1800))
assert_eq "$(domain_field gone.test status)" failed "48 h: failed"
assert_eq "$(notices_of gone.test)" 1 "one notice"
assert_contains "$(sql "SELECT subject FROM notification_outbox")" "lost its verification" "subject"
expect_exit 0 mj run dns-recheck --now $((NOW + 3 * 86400 + 1800))
assert_eq "$(domain_field gone.test status)" failed "still failed"
assert_eq "$(notices_of gone.test)" 1 "still one notice"
assert_eq "$(sql "SELECT group_concat(result || '/' || status, ' ') FROM (SELECT result, status FROM dns_checks ORDER BY id) AS q")" \
  "fail/verified fail/verified fail/verified fail/verified fail/failed fail/failed" "check history"
echo "ok $TEST_NAME"
