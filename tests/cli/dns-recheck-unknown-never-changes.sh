#!/usr/bin/env bash
# dns-recheck against a DNS server that answers SERVFAIL, REFUSED or nothing (tests/servers/
# dns_server.py, by the first label of the name): every record is unknown; a verified domain stays
# verified and a pending one past give_up_after stays pending, whatever the number of checks;
# the fail streak neither grows nor resets; no notice. A name it answers NXDOMAIN for is a fail.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/dns.sh"
start_bad_dns per-name
dns_ini "127.0.0.1:$BAD_DNS_PORT"
init_db
add_users 1
add_domain 1 servfail.test verified t1 $((NOW - 90 * 86400))
add_domain 2 refused.test verified t2 $((NOW - 90 * 86400))
add_domain 3 drop.test pending t3 $((NOW - 30 * 86400))
add_domain 4 nx.test verified t4 $((NOW - 90 * 86400))
sql "UPDATE domains SET check_failures = 2, failing_since = $((NOW - 3 * 86400)) WHERE id = 1"
for d in 0 1 2 3 4; do expect_exit 0 mj run dns-recheck --now $((NOW + d * 86400)); done
assert_eq "$(sql "SELECT group_concat(status, ' ') FROM (SELECT status FROM domains WHERE id <= 3 ORDER BY id) AS q")" "verified verified pending" "statuses unchanged"
assert_eq "$(sql "SELECT check_failures || ' ' || failing_since FROM domains WHERE id = 1")" "2 $((NOW - 3 * 86400))" "streak untouched"
assert_eq "$(sql "SELECT count(*) FROM dns_checks WHERE domain_id <= 3 AND result = 'unknown'")" 15 "15 unknown checks"
assert_eq "$(sql "SELECT count(*) FROM dns_checks WHERE domain_id <= 3 AND result <> 'unknown'")" 0 "nothing else"
assert_contains "$(domain_field servfail.test last_error)" "servfail" "servfail named"
assert_contains "$(domain_field refused.test last_error)" "refused" "refused named"
assert_contains "$(domain_field drop.test last_error)" "timeout" "timeout named"
assert_eq "$(notices_of servfail.test)$(notices_of refused.test)$(notices_of drop.test)" 000 "no notices"
# NXDOMAIN is a definite answer: the verified domain fails on day 2 (3 fails over 48 h).
assert_eq "$(sql "SELECT count(*) FROM dns_checks WHERE domain_id = 4 AND result = 'fail'")" 5 "nx: fails"
assert_eq "$(domain_field nx.test status)" failed "nx: failed"
assert_eq "$(notices_of nx.test)" 1 "nx: one notice"
echo "ok $TEST_NAME"
