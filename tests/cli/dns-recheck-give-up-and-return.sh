#!/usr/bin/env bash
# dns-recheck: a pending domain whose records never appear is given up (failed) once a check fails
# past give_up_after (7 d), with one notice; later fails keep it failed without another notice
# (checked daily); once the records are published it returns to verified, with one notice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/dns.sh"
start_dnsmasq --mx-host=late.test,mx1.mail.test,10
dns_ini
init_db
add_users 1
add_domain 1 late.test pending tok-late $((NOW - 6 * 86400))
expect_exit 0 mj run dns-recheck --now $NOW   # 6 days old: still pending
assert_eq "$(domain_field late.test status)" pending "6 d: pending"
assert_eq "$(domain_field late.test next_check_at)" $((NOW + 86400)) "6 d old: backed off to daily"
T=$((NOW + 86400))                            # 7 days old: given up
expect_exit 0 mj run dns-recheck --now $T
assert_eq "$(domain_field late.test status)" failed "7 d: failed"
assert_eq "$(notices_of late.test)" 1 "one give-up notice"
assert_contains "$(sql "SELECT subject FROM notification_outbox")" "could not verify" "give-up subject"
assert_eq "$(domain_field late.test notified_status)" failed "notified_status"
expect_exit 0 mj run dns-recheck --now $((T + 86400))
assert_eq "$(domain_field late.test status)" failed "still failed"
assert_eq "$(notices_of late.test)" 1 "no second notice"
assert_eq "$(sql "SELECT count(*) FROM dns_checks WHERE domain_id = 1")" 3 "checked daily"
# The user publishes the token: the next daily check verifies it.
stop_dnsmasq
start_dnsmasq --mx-host=late.test,mx1.mail.test,10 --txt-record=late.test,"tok-late"
dns_ini
expect_exit 0 mj run dns-recheck --now $((T + 2 * 86400))
assert_eq "$(domain_field late.test status)" verified "failed -> verified"
assert_eq "$(domain_field late.test check_failures)" 0 "streak ended"
assert_eq "$(domain_field late.test failing_since)" "" "failing_since cleared"
assert_eq "$(notices_of late.test)" 2 "one notice for the return"
assert_eq "$(sql "SELECT subject FROM notification_outbox ORDER BY id DESC LIMIT 1")" "Your domain late.test is verified" "return subject"
echo "ok $TEST_NAME"
