// The record rules of dns-recheck (BJ-20): which queries a record needs, and what the answers
// mean for it: pass, fail or unknown. Pure (no network, no database): tests/unit/dns_rules_test.cpp.
//
// The one rule that matters most: only a definite "no" is a fail: NXDOMAIN, or NOERROR without
// the expected record (none of the type, or none with the expected value). A timeout, SERVFAIL,
// REFUSED or a reply that does not parse says nothing about the domain and is unknown; unknown
// never changes a domain's status (addy.io #491 #895: resolver errors counted as failures
// de-verified good domains).
#pragma once
#include <string>
#include <vector>

#include "delivery/dns_resolver.h"

namespace mj {

// Stable names (stored in dns_checks.records, printed by `run --domain`, used in config lists).
enum class DnsRecord { txt, mx, spf, dkim, dmarc };
enum class DnsResult { pass, fail, unknown };
const char* dns_record_name(DnsRecord r);   // "txt", "mx", "spf", "dkim", "dmarc"
const char* dns_result_name(DnsResult r);   // "pass", "fail", "unknown"
// false when `name` is none of the record names.
bool parse_dns_record(const std::string& name, DnsRecord* out);

// What the service expects ([job.dns-recheck] keys) and the domain's own token.
struct DnsExpect {
    std::string token;                     // domains.verification_token: a TXT record at the domain equal to it
    std::vector<std::string> mx_hosts;     // the service's mail hosts
    std::string spf_include;               // e.g. "_spf.example.net": `include:` in the domain's SPF record
    std::string dkim_selector = "mailjobs";  // <selector>._domainkey.<domain>
    std::string dkim_target;               // CNAME target expected there; empty = any DKIM key (TXT with p=)
};

// Host names compare without case and without trailing dots ("MX1.Example.NET." = "mx1.example.net").
std::string normalise_host(const std::string& host);

// The queries one record needs (one, or two for DKIM: CNAME and TXT).
std::vector<DnsQuery> dns_queries_for(DnsRecord r, const std::string& domain, const DnsExpect& expect);

struct RecordVerdict {
    DnsRecord record;
    DnsResult result;
    std::string detail;  // what was found, or why unknown (short, one line)
};

// Judges `answers` (those of dns_queries_for, in its order).
RecordVerdict judge_record(DnsRecord r, const std::vector<DnsAnswer>& answers, const DnsExpect& expect);

// A domain's verdict from its required records: fail when one fails, else unknown when one is
// unknown, else pass.
DnsResult combine(const std::vector<RecordVerdict>& required);

}  // namespace mj
