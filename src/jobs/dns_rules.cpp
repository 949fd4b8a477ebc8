// dns-recheck's record rules. See dns_rules.h.
#include "jobs/dns_rules.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace mj {

const char* dns_record_name(DnsRecord r) {
    switch (r) {
        case DnsRecord::txt: return "txt";
        case DnsRecord::mx: return "mx";
        case DnsRecord::spf: return "spf";
        case DnsRecord::dkim: return "dkim";
        case DnsRecord::dmarc: return "dmarc";
    }
    return "?";
}

const char* dns_result_name(DnsResult r) {
    switch (r) {
        case DnsResult::pass: return "pass";
        case DnsResult::fail: return "fail";
        case DnsResult::unknown: return "unknown";
    }
    return "?";
}

bool parse_dns_record(const std::string& name, DnsRecord* out) {
    for (DnsRecord r : {DnsRecord::txt, DnsRecord::mx, DnsRecord::spf, DnsRecord::dkim, DnsRecord::dmarc})
        if (name == dns_record_name(r)) { *out = r; return true; }
    return false;
}

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// "v=spf1 include:x -all" starts with the tag `tag` (case-insensitive), followed by a space or the end.
bool starts_with_tag(const std::string& record, const std::string& tag) {
    std::string r = lower(trim(record));
    return r.compare(0, tag.size(), tag) == 0 && (r.size() == tag.size() || r[tag.size()] == ' ' || r[tag.size()] == ';');
}

// Words separated by spaces (an SPF record's terms).
std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s + " ") {
        if (c == ' ' || c == '\t') { if (!cur.empty()) out.push_back(cur); cur.clear(); }
        else cur += c;
    }
    return out;
}

// Shown text is cut to keep a dns_checks row and a printed line short.
std::string clip(const std::string& s) { return s.size() <= 120 ? s : s.substr(0, 117) + "..."; }

bool definite_no(DnsStatus s) { return s == DnsStatus::nodata || s == DnsStatus::nxdomain; }

RecordVerdict unknown_from(DnsRecord r, const DnsAnswer& a) {
    return {r, DnsResult::unknown, std::string(dns_status_name(a.status)) + (a.error.empty() ? "" : ": " + a.error)};
}

RecordVerdict no_record(DnsRecord r, const DnsAnswer& a, const std::string& what) {
    return {r, DnsResult::fail, what + (a.status == DnsStatus::nxdomain ? " (NXDOMAIN)" : "")};
}

RecordVerdict judge_txt_like(DnsRecord r, const DnsAnswer& a, const DnsExpect& e) {
    if (definite_no(a.status)) return no_record(r, a, "no TXT record");
    if (a.status != DnsStatus::ok) return unknown_from(r, a);
    if (r == DnsRecord::txt) {
        for (const auto& t : a.txt)
            if (trim(t) == e.token) return {r, DnsResult::pass, "token found"};
        return {r, DnsResult::fail, "token not among " + std::to_string(a.txt.size()) + " TXT record(s)"};
    }
    if (r == DnsRecord::dmarc) {
        for (const auto& t : a.txt)
            if (starts_with_tag(t, "v=dmarc1")) return {r, DnsResult::pass, clip(t)};
        return {r, DnsResult::fail, "no v=DMARC1 record"};
    }
    // SPF: exactly one v=spf1 record (RFC 7208 4.5: two are a permanent error), naming our include.
    std::vector<std::string> spf;
    for (const auto& t : a.txt)
        if (starts_with_tag(t, "v=spf1")) spf.push_back(t);
    if (spf.empty()) return {r, DnsResult::fail, "no v=spf1 record"};
    if (spf.size() > 1) return {r, DnsResult::fail, std::to_string(spf.size()) + " v=spf1 records (RFC 7208: only one allowed)"};
    const std::string want = "include:" + normalise_host(e.spf_include);
    for (const auto& w : words(spf[0])) {
        std::string term = lower(w);
        if (!term.empty() && term[0] == '+') term.erase(0, 1);
        if (normalise_host(term) == want) return {r, DnsResult::pass, clip(spf[0])};
    }
    return {r, DnsResult::fail, "SPF lacks " + want + ": " + clip(spf[0])};
}

RecordVerdict judge_mx(const DnsAnswer& a, const DnsExpect& e) {
    const DnsRecord r = DnsRecord::mx;
    if (definite_no(a.status)) return no_record(r, a, "no MX record");
    if (a.status != DnsStatus::ok) return unknown_from(r, a);
    // Mail goes to the most preferred MX first: it must be one of ours (a backup MX of the user's
    // own after ours is fine).
    int best = INT32_MAX;
    for (const auto& m : a.mx) best = std::min(best, m.first);
    std::string found;
    bool ours_at_best = false;
    for (const auto& m : a.mx) {
        std::string h = normalise_host(m.second);
        found += (found.empty() ? "" : " ") + std::to_string(m.first) + " " + h;
        if (m.first != best) continue;
        for (const auto& want : e.mx_hosts)
            if (h == normalise_host(want)) ours_at_best = true;
    }
    if (ours_at_best) return {r, DnsResult::pass, clip(found)};
    return {r, DnsResult::fail, "most preferred MX is not the service's: " + clip(found)};
}

RecordVerdict judge_dkim(const std::vector<DnsAnswer>& answers, const DnsExpect& e) {
    const DnsRecord r = DnsRecord::dkim;
    if (answers.size() != 2) return {r, DnsResult::unknown, "internal: DKIM needs two answers"};
    const DnsAnswer& cname = answers[0];
    const DnsAnswer& txt = answers[1];
    if (cname.status == DnsStatus::ok && !e.dkim_target.empty())
        for (const auto& c : cname.cname)
            if (normalise_host(c) == normalise_host(e.dkim_target)) return {r, DnsResult::pass, "CNAME " + normalise_host(c)};
    if (txt.status == DnsStatus::ok)
        for (const auto& t : txt.txt) {
            std::string l = lower(t);
            size_t p = l.find("p=");
            if (p != std::string::npos && (p == 0 || l[p - 1] == ';' || l[p - 1] == ' ') && p + 2 < l.size() && l[p + 2] != ';')
                return {r, DnsResult::pass, "TXT " + clip(t)};
        }
    if (cname.status != DnsStatus::ok && !definite_no(cname.status)) return unknown_from(r, cname);
    if (txt.status != DnsStatus::ok && !definite_no(txt.status)) return unknown_from(r, txt);
    std::string found;
    for (const auto& c : cname.cname) found += " CNAME " + normalise_host(c);
    return {r, DnsResult::fail, "no DKIM key" + (e.dkim_target.empty() ? std::string() : " and no CNAME to " + normalise_host(e.dkim_target)) + found};
}

}  // namespace

std::string normalise_host(const std::string& host) {
    std::string h = lower(trim(host));
    while (!h.empty() && h.back() == '.') h.pop_back();
    return h;
}

std::vector<DnsQuery> dns_queries_for(DnsRecord r, const std::string& domain, const DnsExpect& e) {
    const std::string d = normalise_host(domain);
    switch (r) {
        case DnsRecord::txt:
        case DnsRecord::spf: return {{d, DnsType::txt}};
        case DnsRecord::mx: return {{d, DnsType::mx}};
        case DnsRecord::dmarc: return {{"_dmarc." + d, DnsType::txt}};
        case DnsRecord::dkim: {
            std::string n = e.dkim_selector + "._domainkey." + d;
            return {{n, DnsType::cname}, {n, DnsType::txt}};
        }
    }
    return {};
}

RecordVerdict judge_record(DnsRecord r, const std::vector<DnsAnswer>& answers, const DnsExpect& e) {
    if (r == DnsRecord::dkim) return judge_dkim(answers, e);
    if (answers.size() != 1) return {r, DnsResult::unknown, "internal: one answer expected"};
    if (r == DnsRecord::mx) return judge_mx(answers[0], e);
    return judge_txt_like(r, answers[0], e);
}

DnsResult combine(const std::vector<RecordVerdict>& required) {
    bool unknown = false;
    for (const auto& v : required) {
        if (v.result == DnsResult::fail) return DnsResult::fail;
        if (v.result == DnsResult::unknown) unknown = true;
    }
    return unknown ? DnsResult::unknown : DnsResult::pass;
}

}  // namespace mj
