// dns-recheck's status changes and next check times (jobs/dns_state.h).
#include "jobs/dns_state.h"

#include <catch2/catch.hpp>

using namespace mj;

namespace {
const int64_t T0 = 1795000000, H = 3600, D = 86400;
DomainState pending(int64_t created) { return {"pending", created, 0, std::nullopt}; }
}  // namespace

TEST_CASE("dns state: pending -> verified on a pass, every 15 min the first day, backing off to daily", "[dns_state]") {
    DnsPolicy p;
    auto s = next_domain_state(pending(T0), DnsResult::fail, T0 + 60, p);
    CHECK(s.state.status == "pending");
    CHECK_FALSE(s.status_changed);
    CHECK(s.next_check_at == T0 + 60 + 15 * 60);
    CHECK(next_domain_state(pending(T0), DnsResult::fail, T0 + D, p).next_check_at == T0 + D + 6 * H);
    CHECK(next_domain_state(pending(T0), DnsResult::fail, T0 + 2 * D, p).next_check_at == T0 + 2 * D + 12 * H);
    CHECK(next_domain_state(pending(T0), DnsResult::fail, T0 + 5 * D, p).next_check_at == T0 + 5 * D + D);
    auto v = next_domain_state(s.state, DnsResult::pass, T0 + 2 * H, p);
    CHECK(v.state.status == "verified");
    CHECK(v.status_changed);
    CHECK(v.state.check_failures == 0);
    CHECK_FALSE(v.state.failing_since);
    CHECK(v.next_check_at == T0 + 2 * H + D);
}

TEST_CASE("dns state: pending -> failed only on a fail past give_up_after; unknown never gives up", "[dns_state]") {
    DnsPolicy p;
    CHECK(next_domain_state(pending(T0), DnsResult::fail, T0 + 7 * D - 1, p).state.status == "pending");
    auto f = next_domain_state(pending(T0), DnsResult::fail, T0 + 7 * D, p);
    CHECK(f.state.status == "failed");
    CHECK(f.status_changed);
    CHECK(f.next_check_at == T0 + 8 * D);
    CHECK(next_domain_state(pending(T0), DnsResult::unknown, T0 + 30 * D, p).state.status == "pending");
}

TEST_CASE("dns state: verified -> failed only after 3 fails in a row spanning 48 h", "[dns_state]") {
    DnsPolicy p;
    DomainState v{"verified", T0 - 30 * D, 0, std::nullopt};
    auto a = next_domain_state(v, DnsResult::fail, T0, p);
    CHECK(a.state.check_failures == 1);
    CHECK(*a.state.failing_since == T0);
    auto b = next_domain_state(a.state, DnsResult::fail, T0 + 1 * H, p);
    auto c = next_domain_state(b.state, DnsResult::fail, T0 + 2 * H, p);  // 3 fails, 2 h: not yet
    CHECK(c.state.status == "verified");
    CHECK(c.state.check_failures == 3);
    auto u = next_domain_state(c.state, DnsResult::unknown, T0 + 48 * H, p);  // unknown: nothing moves
    CHECK(u.state.status == "verified");
    CHECK(u.state.check_failures == 3);
    CHECK(*u.state.failing_since == T0);
    auto d = next_domain_state(u.state, DnsResult::fail, T0 + 48 * H, p);
    CHECK(d.state.status == "failed");
    CHECK(d.status_changed);
    // Two fails spanning 48 h are not enough either.
    auto e = next_domain_state(next_domain_state(v, DnsResult::fail, T0, p).state, DnsResult::fail, T0 + 50 * H, p);
    CHECK(e.state.status == "verified");
    // A pass ends the streak.
    auto r = next_domain_state(c.state, DnsResult::pass, T0 + 3 * H, p);
    CHECK(r.state.check_failures == 0);
    CHECK_FALSE(r.state.failing_since);
    CHECK_FALSE(r.status_changed);
}

TEST_CASE("dns state: failed -> verified on a pass; failed stays failed, checked daily", "[dns_state]") {
    DnsPolicy p;
    DomainState f{"failed", T0 - 30 * D, 5, T0 - 5 * D};
    auto s = next_domain_state(f, DnsResult::fail, T0, p);
    CHECK(s.state.status == "failed");
    CHECK(s.state.check_failures == 6);
    CHECK(s.next_check_at == T0 + D);
    auto v = next_domain_state(f, DnsResult::pass, T0, p);
    CHECK(v.state.status == "verified");
    CHECK(v.status_changed);
}
