// DNS lookups for dns-recheck (BJ-20) through c-ares: a static binary must not use glibc's NSS
// resolver (getaddrinfo/res_query would load NSS modules that do not exist on the host, or the
// wrong ones), and c-ares reads /etc/resolv.conf itself and talks to the servers over UDP/TCP.
//
// resolve() runs a list of queries with at most `max_in_flight` outstanding at once (one poll loop
// over c-ares' sockets; a new query starts as soon as one finishes), each with c-ares' timeout and
// tries (a try goes to the next server; the timeout doubles per round of servers, c-ares 1.18).
// The answer says what the server said, not what it means for a domain: the record rules
// (jobs/dns_rules.h) turn it into pass/fail/unknown.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mj {

enum class DnsType { txt, mx, cname };
const char* dns_type_name(DnsType t);  // "TXT", "MX", "CNAME"

struct DnsQuery {
    std::string name;  // e.g. "_dmarc.example.org"
    DnsType type;
};

// What the server answered. Only nxdomain and nodata are definite "no such record" answers.
enum class DnsStatus {
    ok,        // NOERROR with records of the type asked for
    nodata,    // NOERROR without a record of that type (the name exists)
    nxdomain,  // NXDOMAIN: the name does not exist
    servfail,  // SERVFAIL from every server tried
    refused,   // REFUSED
    timeout,   // no answer within timeout x tries
    error,     // anything else (bad reply, connection refused, out of memory, ...)
    not_sent,  // never asked: resolve()'s start_until had passed
};
const char* dns_status_name(DnsStatus s);  // "ok", "nodata", "nxdomain", "servfail", ...

struct DnsAnswer {
    DnsStatus status = DnsStatus::error;
    std::vector<std::string> txt;                        // one entry per TXT record, its strings joined
    std::vector<std::pair<int, std::string>> mx;         // (preference, host) as received
    std::vector<std::string> cname;                      // CNAME targets in the answer
    std::string error;                                   // c-ares' message when status is not ok
};

struct DnsResolverOptions {
    // host or host:port entries ("127.0.0.1:5353", "[::1]:53"); empty = /etc/resolv.conf.
    std::vector<std::string> servers;
    int timeout_ms = 3000;  // first try
    int tries = 2;
    int max_in_flight = 64;
};

// Reads a NOERROR reply to a query of `type` (the bytes a server sent): records of that type, or
// status nodata when it holds none, error when it does not parse. resolve() uses it; exposed for
// the unit test, which feeds it replies built by hand (TXT strings split at 255 bytes).
DnsAnswer parse_dns_reply(DnsType type, const unsigned char* reply, int length);

class DnsResolver {
public:
    // Throws std::runtime_error with one line when c-ares cannot be set up (bad server list, no
    // /etc/resolv.conf and no servers given, ...).
    explicit DnsResolver(const DnsResolverOptions& options);
    ~DnsResolver();
    DnsResolver(const DnsResolver&) = delete;
    DnsResolver& operator=(const DnsResolver&) = delete;

    // Answers in the order of `queries`. Blocks until every query sent has its answer (at most
    // about timeout x 2^tries per query when servers do not answer). No query is sent after
    // `start_until` (the run's deadline): those answer not_sent at once.
    std::vector<DnsAnswer> resolve(const std::vector<DnsQuery>& queries,
                                   std::chrono::steady_clock::time_point start_until = std::chrono::steady_clock::time_point::max());

    // Queries whose answers came back, and the most that were outstanding at once, since creation.
    int64_t queries_done() const { return done_; }
    int peak_in_flight() const { return peak_; }

private:
    struct Impl;
    Impl* impl_;
    int max_in_flight_;
    int64_t done_ = 0;
    int peak_ = 0;
};

}  // namespace mj
