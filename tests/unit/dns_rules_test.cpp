// dns-recheck's record rules (jobs/dns_rules.h): only NXDOMAIN or NOERROR without the expected
// record fails; resolver trouble is unknown.
#include "jobs/dns_rules.h"

#include <catch2/catch.hpp>

using namespace mj;

namespace {
DnsAnswer txt(std::vector<std::string> records) {
    DnsAnswer a;
    a.status = DnsStatus::ok;
    a.txt = std::move(records);
    return a;
}
DnsAnswer status(DnsStatus s) {
    DnsAnswer a;
    a.status = s;
    a.error = "x";
    return a;
}
DnsExpect expect() {
    DnsExpect e;
    e.token = "mj-verify=abc123";
    e.mx_hosts = {"mx1.mail.test", "MX2.Mail.Test."};
    e.spf_include = "_spf.mail.test";
    e.dkim_target = "dkim.mail.test";
    return e;
}
}  // namespace

TEST_CASE("dns rules: host names compare without case and trailing dots", "[dns_rules]") {
    CHECK(normalise_host("MX1.Example.NET.") == "mx1.example.net");
    CHECK(normalise_host(" a.b.. ") == "a.b");
    CHECK(normalise_host("") == "");
}

TEST_CASE("dns rules: the verification TXT among several records, surrounding spaces ignored", "[dns_rules]") {
    auto e = expect();
    CHECK(judge_record(DnsRecord::txt, {txt({"v=spf1 -all", " mj-verify=abc123 "})}, e).result == DnsResult::pass);
    CHECK(judge_record(DnsRecord::txt, {txt({"v=spf1 -all", "mj-verify=abc124"})}, e).result == DnsResult::fail);
    CHECK(judge_record(DnsRecord::txt, {txt({"MJ-VERIFY=ABC123"})}, e).result == DnsResult::fail);  // the token is exact
}

TEST_CASE("dns rules: only NXDOMAIN and NODATA fail; SERVFAIL, REFUSED, timeouts and errors are unknown", "[dns_rules]") {
    auto e = expect();
    for (DnsRecord r : {DnsRecord::txt, DnsRecord::mx, DnsRecord::spf, DnsRecord::dmarc}) {
        CAPTURE(dns_record_name(r));
        CHECK(judge_record(r, {status(DnsStatus::nxdomain)}, e).result == DnsResult::fail);
        CHECK(judge_record(r, {status(DnsStatus::nodata)}, e).result == DnsResult::fail);
        for (DnsStatus s : {DnsStatus::servfail, DnsStatus::refused, DnsStatus::timeout, DnsStatus::error}) {
            auto v = judge_record(r, {status(s)}, e);
            CHECK(v.result == DnsResult::unknown);
            CHECK(v.detail.find(dns_status_name(s)) == 0);
        }
    }
    CHECK(judge_record(DnsRecord::dkim, {status(DnsStatus::timeout), status(DnsStatus::nodata)}, e).result == DnsResult::unknown);
    CHECK(judge_record(DnsRecord::dkim, {status(DnsStatus::nxdomain), status(DnsStatus::nxdomain)}, e).result == DnsResult::fail);
}

TEST_CASE("dns rules: MX passes when the most preferred host is the service's, trailing dot and case aside", "[dns_rules]") {
    auto e = expect();
    DnsAnswer a;
    a.status = DnsStatus::ok;
    a.mx = {{10, "MX2.mail.test."}, {20, "backup.user.example"}};
    CHECK(judge_record(DnsRecord::mx, {a}, e).result == DnsResult::pass);
    a.mx = {{5, "mx.user.example"}, {10, "mx1.mail.test"}};
    auto v = judge_record(DnsRecord::mx, {a}, e);
    CHECK(v.result == DnsResult::fail);
    CHECK(v.detail.find("5 mx.user.example") != std::string::npos);
}

TEST_CASE("dns rules: SPF needs one v=spf1 record with our include; DMARC a v=DMARC1 record", "[dns_rules]") {
    auto e = expect();
    CHECK(judge_record(DnsRecord::spf, {txt({"other", "v=spf1 mx include:_SPF.mail.test. ~all"})}, e).result == DnsResult::pass);
    CHECK(judge_record(DnsRecord::spf, {txt({"v=spf1 +include:_spf.mail.test -all"})}, e).result == DnsResult::pass);
    CHECK(judge_record(DnsRecord::spf, {txt({"v=spf1 include:_spf.other.test -all"})}, e).result == DnsResult::fail);
    CHECK(judge_record(DnsRecord::spf, {txt({"v=spf1 include:_spf.mail.test", "v=spf1 -all"})}, e).result == DnsResult::fail);
    CHECK(judge_record(DnsRecord::spf, {txt({"v=spf10 include:_spf.mail.test"})}, e).result == DnsResult::fail);
    CHECK(judge_record(DnsRecord::dmarc, {txt({"v=DMARC1; p=none"})}, e).result == DnsResult::pass);
    CHECK(judge_record(DnsRecord::dmarc, {txt({"v=spf1 -all"})}, e).result == DnsResult::fail);
}

TEST_CASE("dns rules: DKIM by CNAME to the target or by a TXT key", "[dns_rules]") {
    auto e = expect();
    DnsAnswer cname;
    cname.status = DnsStatus::ok;
    cname.cname = {"DKIM.mail.test."};
    CHECK(judge_record(DnsRecord::dkim, {cname, status(DnsStatus::nodata)}, e).result == DnsResult::pass);
    cname.cname = {"dkim.elsewhere.test"};
    CHECK(judge_record(DnsRecord::dkim, {cname, status(DnsStatus::nodata)}, e).result == DnsResult::fail);
    CHECK(judge_record(DnsRecord::dkim, {status(DnsStatus::nodata), txt({"v=DKIM1; k=rsa; p=MIGf"})}, e).result == DnsResult::pass);
    CHECK(judge_record(DnsRecord::dkim, {status(DnsStatus::nodata), txt({"v=DKIM1; k=rsa; p="})}, e).result == DnsResult::fail);  // revoked key
    auto q = dns_queries_for(DnsRecord::dkim, "Example.ORG.", e);
    REQUIRE(q.size() == 2);
    CHECK(q[0].name == "mailjobs._domainkey.example.org");
    CHECK(q[0].type == DnsType::cname);
    CHECK(q[1].type == DnsType::txt);
    CHECK(dns_queries_for(DnsRecord::dmarc, "example.org", e)[0].name == "_dmarc.example.org");
}

TEST_CASE("dns rules: a domain fails when one required record fails, else is unknown when one is unknown", "[dns_rules]") {
    RecordVerdict pass{DnsRecord::txt, DnsResult::pass, ""}, fail{DnsRecord::mx, DnsResult::fail, ""},
        unknown{DnsRecord::mx, DnsResult::unknown, ""};
    CHECK(combine({pass, pass}) == DnsResult::pass);
    CHECK(combine({pass, unknown}) == DnsResult::unknown);
    CHECK(combine({unknown, fail}) == DnsResult::fail);
    DnsRecord r;
    CHECK(parse_dns_record("dmarc", &r));
    CHECK(r == DnsRecord::dmarc);
    CHECK_FALSE(parse_dns_record("TXT", &r));
}
