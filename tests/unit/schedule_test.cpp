// Tests for src/core/schedule.{h,cpp}: parsing, next_after (UTC and DST zones), stagger, tz helpers.
#include "core/schedule.h"

#include <catch2/catch.hpp>

#include <climits>
#include <cstdlib>
#include <ctime>
#include <set>
#include <string>
#include <vector>

using mj::Schedule;
using Catch::Matchers::Contains;

namespace {

// Unix seconds of a UTC calendar time.
int64_t utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return static_cast<int64_t>(timegm(&tm));
}

Schedule must_parse(const std::string& text) {
    std::string err;
    auto s = Schedule::parse(text, &err);
    INFO("schedule '" << text << "': " << err);
    REQUIRE(s);
    return *s;
}

std::string parse_error(const std::string& text) {
    std::string err;
    auto s = Schedule::parse(text, &err);
    INFO("schedule '" << text << "' should be rejected");
    REQUIRE_FALSE(s);
    CHECK_FALSE(err.empty());
    CHECK(err.find('\n') == std::string::npos);  // one line
    return err;
}

// A job name whose stagger for `s` lies in [lo, hi) seconds (names are fixed, so this is stable).
std::string job_with_stagger(const Schedule& s, int64_t lo, int64_t hi) {
    for (int i = 0; i < 10000; ++i) {
        std::string name = "job-" + std::to_string(i);
        int64_t v = s.stagger(name);
        if (v >= lo && v < hi) return name;
    }
    FAIL("no job name with stagger in range");
    return "";
}

}  // namespace

TEST_CASE("every <duration> is an exact interval added to the previous time", "[schedule]") {
    auto s = must_parse("every 6h");
    CHECK_FALSE(s.every_tick());
    CHECK(s.text() == "every 6h");
    const int64_t t = utc(2026, 3, 8, 1, 23, 45);
    CHECK(s.next_after(t, "job", "UTC") == t + 21600);
    // Absolute seconds: a DST change inside the interval does not stretch or shrink it.
    CHECK(s.next_after(t, "job", "America/New_York") == t + 21600);
    CHECK(must_parse("every 45s").next_after(100, "job", "UTC") == 145);
    CHECK(must_parse("every 15m").next_after(100, "job", "UTC") == 100 + 900);
    CHECK(must_parse("every 30d").next_after(0, "job", "UTC") == 30 * 86400);
    CHECK(must_parse("every 2w").next_after(0, "job", "UTC") == 14 * 86400);
    CHECK(must_parse("  every   6h  ").next_after(0, "job", "UTC") == 21600);
    // Stagger is not applied by next_after for intervals (the caller offsets the first run).
    CHECK(must_parse("every 1d").next_after(0, "some-job", "UTC") == 86400);
}

TEST_CASE("every tick is due on every tick", "[schedule]") {
    auto s = must_parse("every tick");
    CHECK(s.every_tick());
    CHECK(s.next_after(1000, "job", "UTC") == 1001);
    CHECK(s.stagger("job") == 0);
    CHECK_FALSE(must_parse("every 1s").every_tick());
    CHECK_FALSE(must_parse("* * * * *").every_tick());
}

TEST_CASE("next_after never overflows near INT64_MAX", "[schedule]") {
    CHECK(must_parse("every 6h").next_after(INT64_MAX - 10, "job", "UTC") == INT64_MAX);
    CHECK(must_parse("0 0 * * *").next_after(INT64_MAX - 10, "job", "UTC") == INT64_MAX);
}

TEST_CASE("parse errors are one line and say what is wrong", "[schedule][errors]") {
    CHECK_THAT(parse_error(""), Contains("empty schedule"));
    CHECK_THAT(parse_error("   "), Contains("empty schedule"));
    CHECK_THAT(parse_error("every"), Contains("'every' takes exactly one duration"));
    CHECK_THAT(parse_error("every 6h now"), Contains("'every' takes exactly one duration"));
    // Duration errors come from parse_duration.
    CHECK_THAT(parse_error("every 6x"), Contains("unknown unit"));
    CHECK_THAT(parse_error("every 6"), Contains("missing unit"));
    CHECK_THAT(parse_error("every 0h"), Contains("greater than zero"));
    CHECK_THAT(parse_error("every -5m"), Contains("bad duration"));
    CHECK_THAT(parse_error("@reboot"), Contains("unknown schedule macro '@reboot'"));
    CHECK_THAT(parse_error("@daily 3"), Contains("takes nothing after it"));
    CHECK_THAT(parse_error("0 2 * *"), Contains("got 4 fields"));
    CHECK_THAT(parse_error("0 0 2 * * *"), Contains("got 6 fields"));
    CHECK_THAT(parse_error("daily"), Contains("got 1 field "));

    // Range errors name the field, its number and the allowed range.
    CHECK(parse_error("0 24 * * *") == "cron field 2 (hour) value 24 out of range 0-23");
    CHECK(parse_error("60 * * * *") == "cron field 1 (minute) value 60 out of range 0-59");
    CHECK(parse_error("0 0 0 * *") == "cron field 3 (day-of-month) value 0 out of range 1-31");
    CHECK(parse_error("0 0 32 * *") == "cron field 3 (day-of-month) value 32 out of range 1-31");
    CHECK(parse_error("0 0 * 13 *") == "cron field 4 (month) value 13 out of range 1-12");
    CHECK(parse_error("0 0 * * 8") == "cron field 5 (day-of-week) value 8 out of range 0-7");
    CHECK(parse_error("0 1-30 * * *") == "cron field 2 (hour) value 30 out of range 0-23");

    // Bad values, names in the wrong field, malformed lists, ranges and steps.
    CHECK_THAT(parse_error("x * * * *"), Contains("cron field 1 (minute) has bad value 'x'"));
    CHECK_THAT(parse_error("0 0 * foo *"), Contains("cron field 4 (month) has bad value 'foo' (expected 1-12 or jan-dec)"));
    CHECK_THAT(parse_error("0 0 * * jan"), Contains("cron field 5 (day-of-week) has bad value 'jan'"));
    CHECK_THAT(parse_error("0 0 * mon *"), Contains("cron field 4 (month) has bad value 'mon'"));
    CHECK_THAT(parse_error("0 0 * * monday"), Contains("cron field 5 (day-of-week) has bad value 'monday'"));
    CHECK_THAT(parse_error("0 mon * * *"), Contains("cron field 2 (hour) has bad value 'mon'"));
    CHECK_THAT(parse_error("1,,2 * * * *"), Contains("cron field 1 (minute) has an empty list element"));
    CHECK_THAT(parse_error("1, * * * *"), Contains("empty list element"));
    CHECK_THAT(parse_error("0 0 * * mon-"), Contains("cron field 5 (day-of-week) is missing a value"));
    CHECK_THAT(parse_error("-5 * * * *"), Contains("cron field 1 (minute) is missing a value"));
    CHECK_THAT(parse_error("1-2-3 * * * *"), Contains("cron field 1 (minute) has bad value '2-3'"));
    CHECK_THAT(parse_error("30-10 * * * *"), Contains("cron field 1 (minute) range '30-10' is backwards"));
    CHECK_THAT(parse_error("0 0 * * fri-sun"), Contains("range 'fri-sun' is backwards"));
    CHECK_THAT(parse_error("*/0 * * * *"), Contains("cron field 1 (minute) step 0 out of range 1-60"));
    CHECK_THAT(parse_error("0 */25 * * *"), Contains("cron field 2 (hour) step 25 out of range 1-24"));
    CHECK_THAT(parse_error("*/ * * * *"), Contains("cron field 1 (minute) has bad step ''"));
    CHECK_THAT(parse_error("*/x * * * *"), Contains("has bad step 'x'"));
    CHECK_THAT(parse_error("5/15 * * * *"), Contains("cron field 1 (minute) step '5/15' needs a range or *"));
    CHECK_THAT(parse_error("** * * * *"), Contains("cron field 1 (minute) has bad value '**'"));
    CHECK_THAT(parse_error("99999 * * * *"), Contains("has bad value '99999'"));
}

TEST_CASE("macros, names and keywords are case-insensitive", "[schedule]") {
    must_parse("@DAILY");
    must_parse("Every 6h");
    must_parse("EVERY TICK");
    must_parse("0 0 * JAN,Feb MON-fri");
}

TEST_CASE("@hourly is due at the top of every hour and is not staggered", "[schedule]") {
    auto s = must_parse("@hourly");
    CHECK(s.next_after(utc(2026, 5, 4, 10, 17, 30), "job", "UTC") == utc(2026, 5, 4, 11));
    CHECK(s.next_after(utc(2026, 5, 4, 11), "job", "UTC") == utc(2026, 5, 4, 12));
    CHECK(s.next_after(utc(2026, 5, 4, 23, 59, 59), "job", "UTC") == utc(2026, 5, 5, 0));
    CHECK(s.stagger("job") == 0);
    CHECK(s.text() == "@hourly");
}

TEST_CASE("*/15 runs at minutes 0, 15, 30 and 45", "[schedule]") {
    auto s = must_parse("*/15 * * * *");
    CHECK(s.next_after(utc(2026, 1, 1, 10, 0), "j", "UTC") == utc(2026, 1, 1, 10, 15));
    CHECK(s.next_after(utc(2026, 1, 1, 10, 14, 59), "j", "UTC") == utc(2026, 1, 1, 10, 15));
    CHECK(s.next_after(utc(2026, 1, 1, 10, 15), "j", "UTC") == utc(2026, 1, 1, 10, 30));
    CHECK(s.next_after(utc(2026, 1, 1, 10, 45), "j", "UTC") == utc(2026, 1, 1, 11, 0));
    CHECK(s.next_after(utc(2026, 12, 31, 23, 50), "j", "UTC") == utc(2027, 1, 1, 0, 0));
    // Ranges with steps, lists.
    auto r = must_parse("10-40/10,59 * * * *");
    CHECK(r.next_after(utc(2026, 1, 1, 10, 0), "j", "UTC") == utc(2026, 1, 1, 10, 10));
    CHECK(r.next_after(utc(2026, 1, 1, 10, 40), "j", "UTC") == utc(2026, 1, 1, 10, 59));
    CHECK(r.next_after(utc(2026, 1, 1, 10, 59), "j", "UTC") == utc(2026, 1, 1, 11, 10));
}

TEST_CASE("0 2 * * * in UTC runs daily at 02:00 and is never staggered", "[schedule]") {
    auto s = must_parse("0 2 * * *");
    CHECK(s.next_after(utc(2026, 1, 10, 1, 59, 59), "job", "UTC") == utc(2026, 1, 10, 2));
    CHECK(s.next_after(utc(2026, 1, 10, 2), "job", "UTC") == utc(2026, 1, 11, 2));
    CHECK(s.next_after(utc(2026, 1, 10, 2, 0, 1), "job", "UTC") == utc(2026, 1, 11, 2));
    CHECK(s.stagger("job") == 0);
    CHECK(must_parse("0 0 * * *").stagger("job") == 0);
    // Unknown zones fall back to UTC (config validation rejects them earlier).
    CHECK(s.next_after(utc(2026, 1, 10, 3), "job", "Mars/Olympus") == utc(2026, 1, 11, 2));
}

TEST_CASE("next_after steps through days, months and years", "[schedule]") {
    auto daily = must_parse("30 8 * * *");
    int64_t t = utc(2026, 2, 25);
    for (int i = 0; i < 10; ++i) {
        int64_t n = daily.next_after(t, "j", "UTC");
        CHECK(n == utc(2026, 2, 25 + i, 8, 30));  // timegm normalises Feb 29 -> Mar 1 etc.
        t = n;
    }
    auto monthly = must_parse("0 0 1 * *");
    t = utc(2026, 1, 15);
    for (int i = 0; i < 14; ++i) {
        int64_t n = monthly.next_after(t, "j", "UTC");
        CHECK(n == utc(2026, 2 + i, 1));
        t = n;
    }
    auto last_days = must_parse("0 12 31 * *");  // only months with 31 days
    t = utc(2026, 1, 31, 12);
    std::vector<int64_t> got;
    for (int i = 0; i < 4; ++i) got.push_back(t = last_days.next_after(t, "j", "UTC"));
    CHECK(got == std::vector<int64_t>{utc(2026, 3, 31, 12), utc(2026, 5, 31, 12), utc(2026, 7, 31, 12),
                                      utc(2026, 8, 31, 12)});
    // Before 1970 (negative unix time) the arithmetic still floors correctly.
    CHECK(daily.next_after(utc(1960, 1, 1), "j", "UTC") == utc(1960, 1, 1, 8, 30));
    CHECK(daily.next_after(utc(1969, 12, 31, 8, 30), "j", "UTC") == utc(1970, 1, 1, 8, 30));
}

TEST_CASE("day-of-month and day-of-week: either matches when both are restricted", "[schedule]") {
    // Friday the 13th in cron means "every 13th and every Friday".
    auto s = must_parse("0 0 13 * 5");
    int64_t t = utc(2026, 3, 1);  // a Sunday
    std::vector<int64_t> got;
    for (int i = 0; i < 6; ++i) got.push_back(t = s.next_after(t, "j", "UTC"));
    CHECK(got == std::vector<int64_t>{utc(2026, 3, 6), utc(2026, 3, 13), utc(2026, 3, 20), utc(2026, 3, 27),
                                      utc(2026, 4, 3), utc(2026, 4, 10)});
    CHECK(s.next_after(utc(2026, 4, 10), "j", "UTC") == utc(2026, 4, 13));  // a Monday, but the 13th

    // Only one restricted: that one decides.
    CHECK(must_parse("0 0 * * 5").next_after(utc(2026, 3, 7), "j", "UTC") == utc(2026, 3, 13));
    CHECK(must_parse("0 0 13 * *").next_after(utc(2026, 3, 14), "j", "UTC") == utc(2026, 4, 13));

    // Vixie rule: a field starting with '*' ("*/2") counts as unrestricted, so both must match:
    // odd days that are Mondays. 2026-03-02 is a Monday (odd: no), 2026-03-09 is a Monday (yes).
    CHECK(must_parse("0 0 */2 * 1").next_after(utc(2026, 3, 1), "j", "UTC") == utc(2026, 3, 9));
    // The same for day-of-week: "*/3" (Sun, Wed, Sat) is unrestricted by its first character, so
    // with day-of-month 1 both must match: the 1st that is a Sunday, Wednesday or Saturday.
    // 2026-04-01 is a Wednesday; 2026-05-01 a Friday, 2026-06-01 a Monday, 2026-07-01 a Wednesday.
    CHECK(must_parse("0 0 1 * */3").next_after(utc(2026, 3, 2), "j", "UTC") == utc(2026, 4, 1));
    CHECK(must_parse("0 0 1 * */3").next_after(utc(2026, 4, 1), "j", "UTC") == utc(2026, 7, 1));
    // Restricted without a star ("0-6" is every day, but restricted): either matches, so every day.
    CHECK(must_parse("0 0 1 * 0-6").next_after(utc(2026, 3, 2), "j", "UTC") == utc(2026, 3, 3));
}

TEST_CASE("Feb 29 yearly runs only in leap years", "[schedule]") {
    auto s = must_parse("0 0 29 2 *");
    CHECK(s.next_after(utc(2026, 1, 1), "j", "UTC") == utc(2028, 2, 29));
    CHECK(s.next_after(utc(2028, 2, 29), "j", "UTC") == utc(2032, 2, 29));
    // 2100 is not a leap year: an 8-year gap must still be found.
    CHECK(s.next_after(utc(2096, 3, 1), "j", "UTC") == utc(2104, 2, 29));
}

TEST_CASE("expressions that are never due are refused when parsed", "[schedule][errors]") {
    // Accepted before, they parsed fine and the job silently never ran (next_after: INT64_MAX).
    CHECK_THAT(parse_error("0 0 31 2 *"), Contains("is never due"));
    CHECK_THAT(parse_error("0 0 30 2 *"), Contains("is never due"));
    CHECK_THAT(parse_error("0 0 31 4,6,9,11 *"), Contains("is never due"));
    CHECK_THAT(parse_error("0 0 30,31 feb *"), Contains("is never due"));
    // Rare but real: Feb 29 (leap years only), the 31st of the long months, Feb 30 OR a Monday.
    CHECK(must_parse("0 0 29 2 *").next_after(utc(2026, 1, 1), "j", "UTC") == utc(2028, 2, 29));
    CHECK(must_parse("0 0 31 4,6,9,12 *").next_after(utc(2026, 1, 1), "j", "UTC") == utc(2026, 12, 31));
    CHECK(must_parse("0 0 30 2 mon").next_after(utc(2026, 1, 1), "j", "UTC") == utc(2026, 2, 2));
    CHECK(must_parse("0 0 29 2 5").next_after(utc(2026, 1, 1), "j", "UTC") == utc(2026, 2, 6));
}

TEST_CASE("month and weekday names, and 0 and 7 for Sunday", "[schedule]") {
    auto names = must_parse("0 9 * jan,jul mon-fri");
    auto nums = must_parse("0 9 * 1,7 1-5");
    int64_t a = utc(2026, 1, 1), b = a;
    for (int i = 0; i < 30; ++i) {
        a = names.next_after(a, "j", "UTC");
        b = nums.next_after(b, "j", "UTC");
        REQUIRE(a == b);
    }
    CHECK(names.next_after(utc(2026, 1, 30, 10), "j", "UTC") == utc(2026, 7, 1, 9));  // Jan 31 is Saturday

    const int64_t sat = utc(2026, 3, 7);  // Saturday; next Sunday is 2026-03-08
    for (const char* text : {"0 0 * * 0", "0 0 * * 7", "0 0 * * sun", "0 0 * * SUN", "0 0 * * 6-7"}) {
        INFO(text);
        CHECK(must_parse(text).next_after(sat, "j", "UTC") == utc(2026, 3, 8));
    }
    CHECK(must_parse("0 0 * * 5-7").next_after(utc(2026, 3, 6), "j", "UTC") == utc(2026, 3, 7));
    CHECK(must_parse("0 0 * * */2").next_after(sat, "j", "UTC") == utc(2026, 3, 8));  // 0,2,4,6
}

TEST_CASE("cron is evaluated on the wall clock of the timezone", "[schedule][tz]") {
    auto s = must_parse("0 2 * * *");
    CHECK(s.next_after(utc(2026, 1, 10), "j", "America/New_York") == utc(2026, 1, 10, 7));   // EST
    CHECK(s.next_after(utc(2026, 7, 10), "j", "America/New_York") == utc(2026, 7, 10, 6));   // EDT
    CHECK(s.next_after(utc(2026, 1, 10), "j", "Europe/Berlin") == utc(2026, 1, 10, 1));      // CET
    CHECK(s.next_after(utc(2026, 7, 10), "j", "Europe/Berlin") == utc(2026, 7, 11, 0));      // CEST
    CHECK(s.next_after(utc(2026, 1, 10), "j", "Asia/Kolkata") == utc(2026, 1, 10, 20, 30));  // +05:30
    // Far beyond the last transition listed in the file (the TZif footer rule takes over).
    CHECK(s.next_after(utc(2090, 7, 10), "j", "America/New_York") == utc(2090, 7, 10, 6));
}

TEST_CASE("DST spring forward: a nonexistent wall time runs at the end of the gap", "[schedule][dst]") {
    // America/New_York, 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC).
    auto s = must_parse("30 2 * * *");
    const char* ny = "America/New_York";
    CHECK(s.next_after(utc(2026, 3, 7, 12), "j", ny) == utc(2026, 3, 8, 7));
    CHECK(s.next_after(utc(2026, 3, 8, 7), "j", ny) == utc(2026, 3, 9, 6, 30));  // 02:30 EDT next day
    CHECK(must_parse("0 3 * * *").next_after(utc(2026, 3, 7, 12), "j", ny) == utc(2026, 3, 8, 7));

    // Every 15 minutes: the four slots inside the gap collapse into one run at 03:00 EDT.
    auto q = must_parse("*/15 * * * *");
    CHECK(q.next_after(utc(2026, 3, 8, 6, 45), "j", ny) == utc(2026, 3, 8, 7));  // after 01:45 EST
    CHECK(q.next_after(utc(2026, 3, 8, 7), "j", ny) == utc(2026, 3, 8, 7, 15));  // 03:15 EDT

    // Europe/Berlin, 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC).
    const char* be = "Europe/Berlin";
    CHECK(s.next_after(utc(2026, 3, 28, 12), "j", be) == utc(2026, 3, 29, 1));
    CHECK(s.next_after(utc(2026, 3, 29, 1), "j", be) == utc(2026, 3, 30, 0, 30));  // 02:30 CEST
    CHECK(s.next_after(utc(2026, 3, 27, 12), "j", be) == utc(2026, 3, 28, 1, 30));  // 02:30 CET
}

TEST_CASE("DST fall back: a repeated wall time runs once, at its first occurrence", "[schedule][dst]") {
    // America/New_York, 2026-11-01 02:00 EDT -> 01:00 EST (06:00 UTC); 01:30 happens twice.
    auto s = must_parse("30 1 * * *");
    const char* ny = "America/New_York";
    CHECK(s.next_after(utc(2026, 11, 1, 4), "j", ny) == utc(2026, 11, 1, 5, 30));    // 01:30 EDT
    CHECK(s.next_after(utc(2026, 11, 1, 5, 30), "j", ny) == utc(2026, 11, 2, 6, 30)); // not 06:30 Nov 1
    CHECK(s.next_after(utc(2026, 11, 1, 6, 10), "j", ny) == utc(2026, 11, 2, 6, 30)); // from 01:10 EST

    // Every 15 minutes: the repeated hour is not run a second time.
    auto q = must_parse("*/15 * * * *");
    CHECK(q.next_after(utc(2026, 11, 1, 5, 45), "j", ny) == utc(2026, 11, 1, 7, 0));  // 01:45 EDT -> 02:00 EST
    CHECK(q.next_after(utc(2026, 11, 1, 6, 20), "j", ny) == utc(2026, 11, 1, 7, 0));

    // Europe/Berlin, 2026-10-25 03:00 CEST -> 02:00 CET (01:00 UTC); 02:30 happens twice.
    auto b = must_parse("30 2 * * *");
    const char* be = "Europe/Berlin";
    CHECK(b.next_after(utc(2026, 10, 24, 12), "j", be) == utc(2026, 10, 25, 0, 30));  // 02:30 CEST
    CHECK(b.next_after(utc(2026, 10, 25, 0, 30), "j", be) == utc(2026, 10, 26, 1, 30));
}

TEST_CASE("macro stagger shifts the local wall time and follows the DST rule", "[schedule][stagger]") {
    auto daily = must_parse("@daily");
    const char* ny = "America/New_York";
    const std::string job = "nightly-report";
    const int64_t sj = daily.stagger(job);
    CHECK(daily.next_after(utc(2026, 1, 10, 12), job, ny) == utc(2026, 1, 11, 5) + sj);  // midnight EST + s
    CHECK(daily.next_after(utc(2026, 1, 10, 12), job, "UTC") == utc(2026, 1, 11) + sj);
    CHECK(must_parse("@midnight").next_after(utc(2026, 1, 10, 12), job, "UTC") == utc(2026, 1, 11) + sj);

    // Shifted into the spring-forward gap (02:00-03:00 local): runs at 03:00 EDT.
    const std::string gap = job_with_stagger(daily, 2 * 3600, 3 * 3600);
    CHECK(daily.next_after(utc(2026, 3, 7, 12), gap, ny) == utc(2026, 3, 8, 7));
    CHECK(daily.next_after(utc(2026, 3, 8, 7), gap, ny) == utc(2026, 3, 9, 4) + daily.stagger(gap));

    // Shifted into the repeated hour (01:00-02:00 local on Nov 1): once, at the EDT occurrence.
    const std::string rep = job_with_stagger(daily, 3600, 2 * 3600);
    const int64_t sr = daily.stagger(rep);
    const int64_t first = daily.next_after(utc(2026, 10, 31, 12), rep, ny);
    CHECK(first == utc(2026, 11, 1, 4) + sr);
    CHECK(daily.next_after(first, rep, ny) == utc(2026, 11, 2, 5) + sr);

    // A run that is due right now is not skipped because of the shift.
    CHECK(daily.next_after(utc(2026, 1, 11) + sj - 1, job, "UTC") == utc(2026, 1, 11) + sj);

    // @weekly: Sunday midnight + s; @monthly: the 1st; @yearly/@annually: Jan 1.
    CHECK(must_parse("@weekly").next_after(utc(2026, 3, 4), job, "UTC") == utc(2026, 3, 8) + sj);
    CHECK(must_parse("@monthly").next_after(utc(2026, 3, 4), job, "UTC") == utc(2026, 4, 1) + sj);
    CHECK(must_parse("@yearly").next_after(utc(2026, 3, 4), job, "UTC") == utc(2027, 1, 1) + sj);
    CHECK(must_parse("@annually").next_after(utc(2026, 3, 4), job, "UTC") == utc(2027, 1, 1) + sj);
}

TEST_CASE("stagger is deterministic, in range, and differs between jobs", "[schedule][stagger]") {
    auto daily = must_parse("@daily");
    // Pinned values: FNV-1a of the name, so identical on every run and machine.
    CHECK(daily.stagger("backup") == daily.stagger("backup"));
    CHECK(daily.stagger("backup") == 1620);  // 27 min
    CHECK(daily.stagger("") == 4620);        // FNV-1a offset basis % 180 = 77 min

    std::set<int64_t> seen;
    for (int i = 0; i < 500; ++i) {
        const std::string name = "job-" + std::to_string(i);
        for (const char* text : {"@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"}) {
            const int64_t v = must_parse(text).stagger(name);
            REQUIRE(v >= 0);
            REQUIRE(v <= 3 * 3600 - 60);
            REQUIRE(v % 60 == 0);
            REQUIRE(v == daily.stagger(name));  // same window for all day-or-longer macros
        }
        seen.insert(daily.stagger(name));
    }
    CHECK(seen.size() > 150);  // 500 names over 180 slots spread out
    CHECK(daily.stagger("newsletter") != daily.stagger("cleanup"));

    // Intervals of 24h or more: window min(interval/8, 3h).
    for (const char* text : {"every 24h", "every 1d", "every 7d", "every 2w"}) {
        auto s = must_parse(text);
        for (int i = 0; i < 200; ++i) {
            const int64_t v = s.stagger("job-" + std::to_string(i));
            REQUIRE(v >= 0);
            REQUIRE(v < 3 * 3600);
            REQUIRE(v % 60 == 0);
        }
        CHECK(s.stagger("backup") == daily.stagger("backup"));
    }

    // No stagger for explicit cron times, @hourly, short intervals and every tick.
    for (const char* text : {"0 0 * * *", "0 2 * * *", "*/5 * * * *", "@hourly", "every 23h", "every 6h",
                             "every 1439m", "every tick"}) {
        INFO(text);
        CHECK(must_parse(text).stagger("backup") == 0);
    }
}

TEST_CASE("tz_valid accepts UTC and IANA zone names only", "[tz]") {
    CHECK(mj::tz_valid("UTC"));
    CHECK(mj::tz_valid("Europe/Berlin"));
    CHECK(mj::tz_valid("America/New_York"));
    CHECK(mj::tz_valid("America/Argentina/Buenos_Aires"));
    CHECK_FALSE(mj::tz_valid("Mars/Olympus"));
    CHECK_FALSE(mj::tz_valid(""));
    CHECK_FALSE(mj::tz_valid("Europe"));               // a directory
    CHECK_FALSE(mj::tz_valid("zone.tab"));             // not a TZif file
    CHECK_FALSE(mj::tz_valid("Europe/../UTC"));        // ".." is never allowed
    CHECK_FALSE(mj::tz_valid("../../../etc/passwd"));
    CHECK_FALSE(mj::tz_valid("/usr/share/zoneinfo/UTC"));
    CHECK_FALSE(mj::tz_valid("Europe/Berlin "));
    CHECK_FALSE(mj::tz_valid("right/UTC"));            // counts leap seconds (if installed)
}

TEST_CASE("tz_offset gives the UTC offset at an instant", "[tz]") {
    int64_t off = 12345;
    REQUIRE(mj::tz_offset("UTC", utc(2026, 6, 1), &off));
    CHECK(off == 0);
    REQUIRE(mj::tz_offset("America/New_York", utc(2026, 1, 15), &off));
    CHECK(off == -5 * 3600);
    REQUIRE(mj::tz_offset("America/New_York", utc(2026, 7, 15), &off));
    CHECK(off == -4 * 3600);
    // Exactly at the transitions.
    REQUIRE(mj::tz_offset("America/New_York", utc(2026, 3, 8, 7) - 1, &off));
    CHECK(off == -5 * 3600);
    REQUIRE(mj::tz_offset("America/New_York", utc(2026, 3, 8, 7), &off));
    CHECK(off == -4 * 3600);
    REQUIRE(mj::tz_offset("Europe/Berlin", utc(2026, 10, 25, 1) - 1, &off));
    CHECK(off == 2 * 3600);
    REQUIRE(mj::tz_offset("Europe/Berlin", utc(2026, 10, 25, 1), &off));
    CHECK(off == 3600);
    REQUIRE(mj::tz_offset("Australia/Sydney", utc(2026, 1, 15), &off));  // southern summer
    CHECK(off == 11 * 3600);
    REQUIRE(mj::tz_offset("Australia/Sydney", utc(2026, 7, 15), &off));
    CHECK(off == 10 * 3600);
    REQUIRE(mj::tz_offset("Asia/Kolkata", utc(2026, 7, 15), &off));
    CHECK(off == 5 * 3600 + 1800);
    // Decades past the file's last listed transition: footer rule.
    REQUIRE(mj::tz_offset("Europe/Berlin", utc(2100, 7, 1), &off));
    CHECK(off == 2 * 3600);
    REQUIRE(mj::tz_offset("Australia/Sydney", utc(2100, 1, 1), &off));
    CHECK(off == 11 * 3600);
    off = 777;
    CHECK_FALSE(mj::tz_offset("Mars/Olympus", 0, &off));
    CHECK(off == 777);
}

TEST_CASE("UTC works without a zoneinfo directory", "[tz]") {
    const char* old = std::getenv("TZDIR");
    const std::string saved = old ? old : "";
    setenv("TZDIR", "/nonexistent-zoneinfo", 1);
    int64_t off = 99;
    CHECK(mj::tz_valid("UTC"));
    CHECK(mj::tz_offset("UTC", utc(2026, 6, 1), &off));
    CHECK(off == 0);
    CHECK(must_parse("0 2 * * *").next_after(utc(2026, 1, 10), "j", "UTC") == utc(2026, 1, 10, 2));
    CHECK_FALSE(mj::tz_valid("Pacific/Chatham"));  // not loaded before, and TZDIR has nothing
    if (old)
        setenv("TZDIR", saved.c_str(), 1);
    else
        unsetenv("TZDIR");
    CHECK(mj::tz_valid("Pacific/Chatham"));  // failures are not cached
}

// --- issue 12.6: interval grid and early tolerance ---

TEST_CASE("intervals stay on their grid whatever second the tick starts", "[schedule][grid]") {
    auto s = must_parse("every 15m");
    CHECK(s.early_tolerance() == 60);
    CHECK(must_parse("every 5m").early_tolerance() == 30);
    CHECK(must_parse("every 24h").early_tolerance() == 60);
    CHECK(must_parse("every 45s").early_tolerance() == 4);
    CHECK(must_parse("every tick").early_tolerance() == 0);
    CHECK(must_parse("0 2 * * *").early_tolerance() == 0);
    CHECK(must_parse("@daily").early_tolerance() == 0);

    // Never scheduled: the grid starts at the epoch (no stagger below 24h), so :00/:15/:30/:45.
    const int64_t t0 = utc(2026, 1, 10, 12, 7, 1);
    CHECK(s.current_slot(0, t0, "j") == utc(2026, 1, 10, 12, 0));
    CHECK(s.next_due(0, t0, "j", "UTC") == utc(2026, 1, 10, 12, 15));
    // ... and its first slot at least half an interval away: 12:14 -> 12:30, not 12:15.
    CHECK(s.next_due(0, utc(2026, 1, 10, 12, 14), "j", "UTC") == utc(2026, 1, 10, 12, 30));
    // A tick 1 s early (12:14:59 for a 12:15:00 slot) serves that slot and moves on by one step.
    const int64_t due = utc(2026, 1, 10, 12, 15);
    CHECK(s.current_slot(due, due - 1, "j") == due);
    CHECK(s.next_due(due, due - 1, "j", "UTC") == due + 900);
    // A tick 1 s late: the same slot, the same next one (the old rule gave 12:30:01).
    CHECK(s.next_due(due, due + 1, "j", "UTC") == due + 900);
    // A long pause skips the missed slots: one run, then back on the grid.
    CHECK(s.next_due(due, due + 3 * 3600 + 17, "j", "UTC") == due + 3 * 3600 + 900);
    // The grid comes from the stored due time, whatever second it has.
    CHECK(s.next_due(due + 1, due + 1, "j", "UTC") == due + 901);
    CHECK(s.next_due(due + 1, due, "j", "UTC") == due + 901);  // 1 s early

    // A run before the slot minus the tolerance (by hand) does not skip the slot.
    CHECK(s.next_due(due, due - 300, "j", "UTC") == due);

    // The shortest interval: its first next due time is still in the future (it was `now`).
    const auto one = must_parse("every 1s");
    CHECK(one.next_due(0, t0, "j", "UTC") == t0 + 1);
    CHECK(one.next_due(t0 + 1, t0 + 1, "j", "UTC") == t0 + 2);

    // Intervals up to 10 years; longer ones are refused (they overflowed the grid arithmetic).
    CHECK(must_parse("every 3650d").next_due(0, t0, "j", "UTC") > t0);
    std::string error;
    CHECK_FALSE(mj::Schedule::parse("every 3651d", &error));
    CHECK(error.find("longer than 10 years") != std::string::npos);
    CHECK_FALSE(mj::Schedule::parse("every 623797087813460150s", &error));
}

TEST_CASE("intervals do not drift over 8 days of jittered ticks", "[schedule][grid]") {
    // */15 cron starting each tick at :00 or :01 (the issue: 576 runs of 768 ticks, and `every 24h`
    // walking 45 minutes in 8 days under next = now + interval).
    auto q = must_parse("every 15m");
    auto d = must_parse("every 24h");
    const int64_t start = utc(2026, 1, 10);
    int64_t due_q = 0, due_d = 0;
    int runs_q = 0, runs_d = 0;
    std::vector<int64_t> daily_runs;
    for (int i = 0; i < 768; ++i) {
        const int64_t now = start + i * 900 + ((i * 7919) % 3 == 0 ? 0 : 1);  // :00 or :01
        if (due_q == 0 || due_q - now <= q.early_tolerance()) {
            ++runs_q;
            due_q = q.next_due(due_q, now, "j", "UTC");
        }
        if (due_d == 0 || due_d - now <= d.early_tolerance()) {
            ++runs_d;
            daily_runs.push_back(now);
            due_d = d.next_due(due_d, now, "delivery-log-cleanup", "UTC");
        }
    }
    CHECK(runs_q == 768);
    CHECK(runs_d >= 8);  // the first tick, then once a day at the same time
    CHECK(runs_d <= 9);
    for (size_t k = 2; k < daily_runs.size(); ++k) {
        CHECK(daily_runs[k] - daily_runs[k - 1] <= 86400 + 1);
        CHECK(daily_runs[k] - daily_runs[k - 1] >= 86400 - 1);
    }
    // First run at 00:00: the next slot is at least half a day away, not minutes later.
    CHECK(daily_runs[1] - daily_runs[0] >= 43200);
}

// --- issue 12.7: explicit times run first at that time ---

TEST_CASE("explicit times wait for their time; macros, intervals and steps run at once", "[schedule][first]") {
    for (const char* text : {"0 2 * * *", "30 1,13 * * *", "5 4 * * mon", "0 0 * * *"}) {
        INFO(text);
        CHECK(must_parse(text).explicit_time());
    }
    for (const char* text : {"@daily", "@hourly", "@weekly", "every 6h", "every tick", "*/15 * * * *", "0 * * * *",
                             "5 */2 * * *"}) {
        INFO(text);
        CHECK_FALSE(must_parse(text).explicit_time());
        CHECK(must_parse(text).first_due(utc(2026, 1, 10, 10), "j", "UTC") == 0);
    }
    auto s = must_parse("0 2 * * *");
    CHECK(s.first_due(utc(2026, 1, 10, 10), "j", "UTC") == utc(2026, 1, 11, 2));
    CHECK(s.first_due(utc(2026, 1, 10, 1, 59), "j", "UTC") == utc(2026, 1, 10, 2));
    CHECK(s.first_due(utc(2026, 1, 10, 2, 0, 40), "j", "UTC") == utc(2026, 1, 10, 2));  // this minute counts
    CHECK(s.first_due(utc(2026, 1, 10, 2, 1), "j", "UTC") == utc(2026, 1, 11, 2));
    // The wall clock of [general] timezone: 02:00 in Berlin is 01:00 UTC in winter, 00:00 in summer.
    CHECK(s.first_due(utc(2026, 1, 10, 10), "j", "Europe/Berlin") == utc(2026, 1, 11, 1));
    CHECK(s.first_due(utc(2026, 7, 10, 10), "j", "Europe/Berlin") == utc(2026, 7, 11, 0));
}
