#!/usr/bin/env bash
# mailjobs run dns-recheck --domain NAME checks that domain now (whatever next_check_at says) and
# prints each record's result; --dry-run prints the same and writes nothing but its history row;
# --json gives the records; a name not in domains, --domain with another job, a domain of a
# suspended user, and a bad server list each get their answer.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/dns.sh"
start_dnsmasq --txt-record=one.test,"tok-one" --mx-host=one.test,mx9.other.test,10 \
  --txt-record=_dmarc.one.test,"v=DMARC1; p=none"
dns_ini
echo "optional = dmarc, spf" >> jobs.ini
echo "spf_include = _spf.mail.test" >> jobs.ini
init_db
add_users 2
add_domain 1 one.test pending tok-one $((NOW - 600)) $((NOW + 86400))
add_domain 2 two.test pending tok-two $((NOW - 600)) $((NOW + 86400)) 2
sql "UPDATE users SET status = 'suspended' WHERE id = 2"

before=$(sql "SELECT * FROM domains")
expect_exit 0 mj run dns-recheck --domain ONE.test. --dry-run --now $NOW
assert_contains "$OUT" "one.test: fail, status pending -> pending (dry run: nothing written)"
assert_contains "$OUT" "txt    required pass"
assert_contains "$OUT" "mx     required fail     most preferred MX is not the service's: 10 mx9.other.test"
assert_contains "$OUT" "dmarc  optional pass     v=DMARC1; p=none"
assert_contains "$OUT" "spf    optional fail     no v=spf1 record"
assert_eq "$(sql "SELECT * FROM domains")" "$before" "dry run: domains unchanged"
assert_eq "$(sql "SELECT count(*) FROM dns_checks")" 0 "dry run: no check row"

expect_exit 0 mj run dns-recheck --domain one.test --now $NOW --json
assert_eq "$(jq -r '.records[0].record + " " + .records[0].result' <<<"$OUT")" "txt pass" "json txt"
assert_eq "$(jq -r '.records[1].result' <<<"$OUT")" "fail" "json mx"
assert_eq "$(sql "SELECT count(*) FROM dns_checks WHERE domain_id = 1")" 1 "real run: one check row"
assert_eq "$(domain_field one.test next_check_at)" $((NOW + 900)) "real run: pending schedule"

expect_exit 2 mj run dns-recheck --domain nosuch.test --now $NOW
assert_contains "$ERR" "no domain named 'nosuch.test'"
expect_exit 2 mj run session-cleanup --domain one.test
assert_contains "$ERR" "--domain goes with the one job dns-recheck"
expect_exit 0 mj run dns-recheck --domain two.test --now $NOW
assert_contains "$OUT" "two.test: skipped, the domain's user is deleted or suspended"
assert_eq "$(sql "SELECT count(*) FROM dns_checks WHERE domain_id = 2")" 0 "suspended: not checked"
expect_exit 1 mj run dns-recheck --domain one.test --now $NOW --set job.dns-recheck.servers=nonsense
assert_contains "$ERR" "nonsense"
MAILJOBS_JOB_DNS_RECHECK_REQUIRE="txt, mxx" expect_exit 1 mj run dns-recheck --domain one.test --now $NOW
assert_contains "$ERR" "unknown record 'mxx'"
echo "ok $TEST_NAME"
