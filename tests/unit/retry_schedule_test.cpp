#include "delivery/retry_schedule.h"

#include <catch2/catch.hpp>

TEST_CASE("retry schedule: the wait after each failed attempt, then final") {
    auto s = mj::parse_retry_schedule({"1m", "5m", "30m", "2h"}, "[job.webhook-retry] retry_schedule");
    REQUIRE(s == std::vector<int64_t>{60, 300, 1800, 7200});
    CHECK(mj::retry_delay(s, 1) == 60);
    CHECK(mj::retry_delay(s, 2) == 300);
    CHECK(mj::retry_delay(s, 3) == 1800);
    CHECK(mj::retry_delay(s, 4) == 7200);
    CHECK_FALSE(mj::retry_delay(s, 5));  // the fifth attempt's failure is final
    CHECK_FALSE(mj::retry_delay(s, 0));
}

TEST_CASE("retry schedule: bad entries name the key and the entry") {
    try {
        mj::parse_retry_schedule({"1m", "5x"}, "[job.webhook-retry] retry_schedule");
        FAIL("no error");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("[job.webhook-retry] retry_schedule: bad delay '5x'") == 0);
    }
    CHECK_THROWS_WITH(mj::parse_retry_schedule({}, "K"), Catch::Contains("K is empty"));
    CHECK_THROWS(mj::parse_retry_schedule({"0"}, "K"));
}
