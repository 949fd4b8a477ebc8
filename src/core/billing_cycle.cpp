// Billing-cycle arithmetic (billing_cycle.h).
#include "core/billing_cycle.h"

#include <algorithm>

namespace mj {
namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Howard Hinnant's days_from_civil / civil_from_days (as in core/schedule.cpp).
int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    const int64_t era = floor_div(y, 400);
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t* y, int* m, int* d) {
    z += 719468;
    const int64_t era = floor_div(z, 146097);
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int days_in_month(int64_t y, int m) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : kDays[m - 1];
}

// 00:00 UTC of the anchor day of month (y, m), clamped to the month's last day.
int64_t anchor_in_month(int64_t y, int m, int anchor) {
    return days_from_civil(y, m, std::min(anchor, days_in_month(y, m))) * 86400;
}

void next_month(int64_t* y, int* m) {
    if (++*m == 13) *m = 1, ++*y;
}
void prev_month(int64_t* y, int* m) {
    if (--*m == 0) *m = 12, --*y;
}

// The first anchor day strictly after day start `t`.
int64_t next_anchor_after(int64_t t, int anchor) {
    int64_t y;
    int m, d;
    civil_from_days(floor_div(t, 86400), &y, &m, &d);
    int64_t a = anchor_in_month(y, m, anchor);
    if (a > t) return a;
    next_month(&y, &m);
    return anchor_in_month(y, m, anchor);
}

}  // namespace

int64_t utc_day_start(int64_t t) { return floor_div(t, 86400) * 86400; }

int64_t utc_week_start(int64_t t) {
    const int64_t day = floor_div(t, 86400);
    return (day - ((day % 7 + 7 + 3) % 7)) * 86400;  // day 0 (1970-01-01) was a Thursday
}

BillingCycle anchor_cycle(int64_t now, int anchor_day) {
    const int anchor = std::clamp(anchor_day, 1, 31);
    int64_t y;
    int m, d;
    civil_from_days(floor_div(now, 86400), &y, &m, &d);
    BillingCycle c;
    c.start = anchor_in_month(y, m, anchor);
    if (c.start > now) {
        prev_month(&y, &m);
        c.start = anchor_in_month(y, m, anchor);
    }
    next_month(&y, &m);
    c.end = anchor_in_month(y, m, anchor);
    return c;
}

BillingCycle billing_cycle(int64_t now, int anchor_day, std::optional<int64_t> cycle_start_at) {
    if (cycle_start_at) {
        BillingCycle c;
        c.start = utc_day_start(*cycle_start_at);
        c.end = next_anchor_after(c.start, std::clamp(anchor_day, 1, 31));
        if (c.start <= now && now < c.end) return c;
    }
    return anchor_cycle(now, anchor_day);
}

bool threshold_crossed(int64_t used, int64_t quota, int percent) {
    if (used <= 0) return false;
    return static_cast<__int128>(used) * 100 >= static_cast<__int128>(quota) * percent;
}

bool pace_over_quota(int64_t used, int64_t quota, const BillingCycle& c, int64_t now, int min_elapsed_percent) {
    const int64_t length = c.end - c.start, elapsed = now - c.start;
    if (used <= 0 || used >= quota || length <= 0 || elapsed <= 0) return false;
    if (static_cast<__int128>(elapsed) * 100 < static_cast<__int128>(length) * min_elapsed_percent) return false;
    return static_cast<__int128>(used) * length > static_cast<__int128>(quota) * elapsed;
}

}  // namespace mj
