#!/usr/bin/env bash
# dns-recheck against a real dnsmasq: a pending domain whose TXT token and MX are published becomes
# verified with one notice and a dns_checks row (pass); one without its TXT stays pending, is
# checked again 15 min later, and its dns_checks row says fail; a domain of a suspended user is not
# checked (waits); a rerun at the same time finds nothing due and queues nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/dns.sh"
start_dnsmasq --txt-record=good.test,"mj-verify=tok-good" --txt-record=good.test,"v=spf1 -all" \
  --mx-host=good.test,MX1.Mail.Test.,10 --mx-host=notxt.test,mx1.mail.test,10 \
  --txt-record=susp.test,"mj-verify=tok-susp" --mx-host=susp.test,mx1.mail.test,10
dns_ini
init_db
add_users 2
sql "UPDATE users SET status = 'suspended' WHERE id = 2"
add_domain 1 good.test pending mj-verify=tok-good $((NOW - 600))
add_domain 2 notxt.test pending tok-notxt $((NOW - 600))
add_domain 3 susp.test pending tok-susp $((NOW - 600)) $((NOW - 600)) 2

expect_exit 0 mj run dns-recheck --now $NOW
assert_contains "$OUT" "dns-recheck"
assert_eq "$(domain_field good.test status)" verified "good.test status"
assert_eq "$(domain_field good.test verified_at)" $NOW "verified_at"
assert_eq "$(domain_field good.test next_check_at)" $((NOW + 86400)) "verified: next check in a day"
assert_eq "$(domain_field good.test notified_status)" verified "notified_status"
assert_eq "$(notices_of good.test)" 1 "one notice for good.test"
assert_eq "$(sql "SELECT subject FROM notification_outbox WHERE kind = 'dns_status'")" "Your domain good.test is verified" "subject"
assert_eq "$(sql "SELECT result || ' ' || status FROM dns_checks WHERE domain_id = 1")" "pass verified" "check row"
assert_eq "$(sql "SELECT json_extract(records, '\$[1].result') FROM dns_checks WHERE domain_id = 1")" pass "mx record pass (case and trailing dot)"

assert_eq "$(domain_field notxt.test status)" pending "notxt stays pending"
assert_eq "$(domain_field notxt.test next_check_at)" $((NOW + 900)) "pending: again in 15 min"
assert_eq "$(domain_field notxt.test check_failures)" 1 "one fail"
assert_eq "$(domain_field notxt.test failing_since)" $NOW "failing_since"
assert_contains "$(domain_field notxt.test last_error)" "txt fail" "last_error"
assert_eq "$(sql "SELECT result FROM dns_checks WHERE domain_id = 2")" fail "notxt check row"
assert_eq "$(notices_of notxt.test)" 0 "no notice while pending"

assert_eq "$(domain_field susp.test status)" pending "suspended user's domain untouched"
assert_eq "$(domain_field susp.test next_check_at)" $((NOW - 600)) "suspended user's domain still due"
assert_eq "$(sql "SELECT count(*) FROM dns_checks WHERE domain_id = 3")" 0 "not checked"
assert_eq "$(sql "SELECT json_extract(counts, '\$.waiting_user_inactive') FROM job_runs WHERE job = 'dns-recheck' ORDER BY id DESC LIMIT 1")" 1 "counted as waiting"

# Rerun at the same time: nothing due, nothing new.
expect_exit 0 mj run dns-recheck --now $NOW
assert_eq "$(sql "SELECT count(*) FROM dns_checks")" 2 "no new checks on a rerun"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 1 "no new notice on a rerun"
# 15 min later only notxt.test is due.
expect_exit 0 mj run dns-recheck --now $((NOW + 900))
assert_eq "$(sql "SELECT count(*) FROM dns_checks WHERE domain_id = 2")" 2 "notxt checked again"
assert_eq "$(sql "SELECT count(*) FROM dns_checks WHERE domain_id = 1")" 1 "good not due"
echo "ok $TEST_NAME"
