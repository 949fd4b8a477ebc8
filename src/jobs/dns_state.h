// How a DNS check moves a custom domain between pending, verified and failed, and when it is
// checked next (BJ-20). Pure: tests/unit/dns_state_test.cpp walks every change.
//
//   pending  --pass-->                               verified
//   pending  --fail, older than give_up_after-->     failed     (given up; one notice)
//   verified --fail_checks fails in a row spanning
//              at least fail_span-->                  failed
//   failed   --pass-->                               verified
//   any      --unknown-->                            unchanged (fail streak neither grows nor resets)
//
// A pass ends a fail streak (check_failures 0, failing_since NULL). Next check: pending domains
// every pending_interval while younger than pending_fast_for, then age / 4 (between
// pending_interval and check_interval: 6 h at 1 day, 12 h at 2 days, daily from 4 days);
// verified and failed domains every check_interval.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "jobs/dns_rules.h"

namespace mj {

struct DnsPolicy {
    int64_t pending_interval = 15 * 60;
    int64_t pending_fast_for = 86400;
    int64_t check_interval = 86400;
    int64_t give_up_after = 7 * 86400;
    int64_t fail_checks = 3;
    int64_t fail_span = 48 * 3600;
};

struct DomainState {
    std::string status;                    // pending | verified | failed
    int64_t created_at = 0;
    int64_t check_failures = 0;            // fails in a row
    std::optional<int64_t> failing_since;  // first fail of that streak
};

struct DomainStep {
    DomainState state;      // after the check
    int64_t next_check_at;
    bool status_changed;
};

DomainStep next_domain_state(const DomainState& before, DnsResult verdict, int64_t now, const DnsPolicy& policy);

}  // namespace mj
