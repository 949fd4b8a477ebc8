// Billing-cycle arithmetic on fixed days: anchor clamping (31, 29 on Feb 28/29), the cycle that
// holds a given instant, billing_cycle_start_at, UTC weeks, and the threshold and pace rules.
#include "core/billing_cycle.h"

#include <catch2/catch.hpp>

#include <ctime>

namespace {

int64_t at(int y, int m, int d, int h = 0, int mi = 0) {
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

TEST_CASE("anchor_cycle: anchor 31 is clamped to each month's last day", "[billing_cycle]") {
    auto c = mj::anchor_cycle(at(2027, 2, 10), 31);
    CHECK(c.start == at(2027, 1, 31));
    CHECK(c.end == at(2027, 2, 28));
    c = mj::anchor_cycle(at(2027, 2, 28), 31);  // the clamped day itself starts the next cycle
    CHECK(c.start == at(2027, 2, 28));
    CHECK(c.end == at(2027, 3, 31));
    c = mj::anchor_cycle(at(2028, 2, 28, 23, 59), 31);  // leap year: Feb 29 is the last day
    CHECK(c.start == at(2028, 1, 31));
    CHECK(c.end == at(2028, 2, 29));
    c = mj::anchor_cycle(at(2027, 4, 30, 12), 31);
    CHECK(c.start == at(2027, 4, 30));
    CHECK(c.end == at(2027, 5, 31));
}

TEST_CASE("anchor_cycle: Feb 28/29 with anchors 28, 29 and 1", "[billing_cycle]") {
    CHECK(mj::anchor_cycle(at(2027, 2, 28), 29).start == at(2027, 2, 28));  // no Feb 29 in 2027
    CHECK(mj::anchor_cycle(at(2027, 2, 28), 29).end == at(2027, 3, 29));
    CHECK(mj::anchor_cycle(at(2028, 2, 28), 29).start == at(2028, 1, 29));
    CHECK(mj::anchor_cycle(at(2028, 2, 29), 29).start == at(2028, 2, 29));
    CHECK(mj::anchor_cycle(at(2028, 2, 29), 28).start == at(2028, 2, 28));
    CHECK(mj::anchor_cycle(at(2028, 2, 29), 28).end == at(2028, 3, 28));
    auto c = mj::anchor_cycle(at(2028, 2, 29, 23, 59), 1);
    CHECK(c.start == at(2028, 2, 1));
    CHECK(c.end == at(2028, 3, 1));
    CHECK(c.end - c.start == 29 * 86400);
    c = mj::anchor_cycle(at(2026, 12, 31, 23, 59), 1);  // year end
    CHECK(c.start == at(2026, 12, 1));
    CHECK(c.end == at(2027, 1, 1));
    CHECK(mj::anchor_cycle(at(2027, 1, 5), 15).start == at(2026, 12, 15));
}

TEST_CASE("billing_cycle: billing_cycle_start_at holds only while its cycle holds now", "[billing_cycle]") {
    // A plan started Jan 15 10:30, anchor 1: the cycle is [Jan 15, Feb 1).
    auto c = mj::billing_cycle(at(2027, 1, 20), 1, at(2027, 1, 15, 10, 30));
    CHECK(c.start == at(2027, 1, 15));
    CHECK(c.end == at(2027, 2, 1));
    // Once it ended, the anchor decides again.
    c = mj::billing_cycle(at(2027, 2, 3), 1, at(2027, 1, 15, 10, 30));
    CHECK(c.start == at(2027, 2, 1));
    CHECK(c.end == at(2027, 3, 1));
    // A start in the future is not used.
    c = mj::billing_cycle(at(2027, 1, 10), 1, at(2027, 1, 15));
    CHECK(c.start == at(2027, 1, 1));
    // Without it, the anchor.
    CHECK(mj::billing_cycle(at(2027, 1, 10), 5, std::nullopt).start == at(2027, 1, 5));
}

TEST_CASE("utc_week_start is Monday 00:00 UTC", "[billing_cycle]") {
    CHECK(mj::utc_week_start(at(2026, 11, 23)) == at(2026, 11, 23));  // a Monday
    CHECK(mj::utc_week_start(at(2026, 11, 29, 23, 59)) == at(2026, 11, 23));  // Sunday
    CHECK(mj::utc_week_start(at(2026, 11, 30, 0, 0)) == at(2026, 11, 30));
    CHECK(mj::utc_week_start(0) == at(1969, 12, 29));
    CHECK((mj::utc_week_start(at(2026, 6, 3)) / 86400 + 3) % 7 == 0);  // the schema's CHECK
    CHECK(mj::utc_day_start(at(2026, 6, 3, 17, 5)) == at(2026, 6, 3));
}

TEST_CASE("threshold_crossed is exact and never for zero usage", "[billing_cycle]") {
    CHECK(mj::threshold_crossed(800, 1000, 80));
    CHECK_FALSE(mj::threshold_crossed(799, 1000, 80));
    CHECK(mj::threshold_crossed(1000, 1000, 100));
    CHECK_FALSE(mj::threshold_crossed(0, 0, 60));
    CHECK(mj::threshold_crossed(1, 0, 100));  // quota 0: any usage is over it
    CHECK(mj::threshold_crossed(INT64_MAX / 2, INT64_MAX / 2, 100));  // no overflow
}

TEST_CASE("pace_over_quota: projection past the quota, not in the first part of the cycle", "[billing_cycle]") {
    const mj::BillingCycle c{at(2027, 4, 1), at(2027, 5, 1)};  // 30 days
    const int64_t quota = 3000;
    // Day 10 (1/3 elapsed): 1001 projects to 3003 > 3000; 1000 projects to exactly 3000.
    CHECK(mj::pace_over_quota(1001, quota, c, at(2027, 4, 11), 25));
    CHECK_FALSE(mj::pace_over_quota(1000, quota, c, at(2027, 4, 11), 25));
    // Day 3 (10% elapsed) is before the 25% mark: no pace warning however fast.
    CHECK_FALSE(mj::pace_over_quota(2000, quota, c, at(2027, 4, 4), 25));
    // Exactly 25% (7.5 days): allowed.
    CHECK(mj::pace_over_quota(2000, quota, c, at(2027, 4, 8, 12), 25));
    // At or over the quota the 100 % crossing speaks, not the pace.
    CHECK_FALSE(mj::pace_over_quota(3000, quota, c, at(2027, 4, 20), 25));
}
