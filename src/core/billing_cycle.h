// Billing-cycle arithmetic of usage-threshold-check (BJ-11) and the UTC day/week windows of
// bandwidth-rollup (BJ-10). Pure functions of unix seconds; everything is UTC.
//
// A cycle is [start, end), both at 00:00 UTC.
// - From the anchor day (users.billing_anchor_day, 1..31): a cycle starts on that day of every
//   month, clamped to the month's last day (anchor 31: Jan 31, Feb 28 or 29, Mar 31, Apr 30, ...;
//   anchor 29: Feb 28 in 2027, Feb 29 in 2028), and ends where the next one starts.
// - From users.billing_cycle_start_at when the billing system knows the current cycle's start (a
//   plan started mid-month): the cycle starts at 00:00 UTC of that day and ends at the next anchor
//   day after it. Used only while it holds now (start <= now < end); once that cycle has ended, or
//   for a start in the future, the anchor day decides again.
#pragma once
#include <cstdint>
#include <optional>

namespace mj {

struct BillingCycle {
    int64_t start = 0;  // 00:00 UTC, inclusive
    int64_t end = 0;    // 00:00 UTC, exclusive
};

int64_t utc_day_start(int64_t t);   // 00:00 UTC of t's day
int64_t utc_week_start(int64_t t);  // Monday 00:00 UTC of t's week

// The anchor-day cycle holding `now`; anchor_day outside 1..31 is clamped into it.
BillingCycle anchor_cycle(int64_t now, int anchor_day);
// The cycle holding `now` by the rules above.
BillingCycle billing_cycle(int64_t now, int anchor_day, std::optional<int64_t> cycle_start_at);

// usage >= percent % of quota (exact integer arithmetic); zero usage never crosses.
bool threshold_crossed(int64_t used, int64_t quota, int percent);
// The pace rule: at least min_elapsed_percent of the cycle has passed at `now`, usage is still
// below the quota, and usage / (elapsed fraction) projects past the quota:
//   used * (end - start) > quota * (now - start).
bool pace_over_quota(int64_t used, int64_t quota, const BillingCycle& cycle, int64_t now, int min_elapsed_percent);

}  // namespace mj
