// Domain status changes of dns-recheck. See dns_state.h.
#include "jobs/dns_state.h"

#include <algorithm>

namespace mj {

namespace {

int64_t interval_for(const DomainState& s, int64_t now, const DnsPolicy& p) {
    if (s.status != "pending") return p.check_interval;
    int64_t age = now - s.created_at;
    if (age < p.pending_fast_for) return p.pending_interval;
    return std::clamp(age / 4, p.pending_interval, std::max(p.pending_interval, p.check_interval));
}

}  // namespace

DomainStep next_domain_state(const DomainState& before, DnsResult verdict, int64_t now, const DnsPolicy& p) {
    DomainState s = before;
    if (verdict == DnsResult::pass) {
        s.status = "verified";
        s.check_failures = 0;
        s.failing_since.reset();
    } else if (verdict == DnsResult::fail) {
        s.check_failures += 1;
        if (!s.failing_since) s.failing_since = now;
        if (s.status == "pending" && now - s.created_at >= p.give_up_after) s.status = "failed";
        if (s.status == "verified" && s.check_failures >= p.fail_checks && now - *s.failing_since >= p.fail_span)
            s.status = "failed";
    }
    return {s, now + interval_for(s, now, p), s.status != before.status};
}

}  // namespace mj
