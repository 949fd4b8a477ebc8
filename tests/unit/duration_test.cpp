#include "core/duration.h"

#include <catch2/catch.hpp>

using mj::parse_duration;

TEST_CASE("parse_duration is exact for every unit") {
    std::string err;
    CHECK(*parse_duration("45s", &err) == 45);
    CHECK(*parse_duration("15m", &err) == 900);
    CHECK(*parse_duration("6h", &err) == 21600);  // seed 000 rounded this up to a day
    CHECK(*parse_duration("30d", &err) == 2592000);
    CHECK(*parse_duration("2w", &err) == 1209600);
    CHECK(*parse_duration("1h", &err) == 3600);
}

TEST_CASE("parse_duration rejects bad input with a reason") {
    for (const char* bad : {"30x", "-5d", "0", "0d", "", "d", "5", "5 d", "1.5h", "99999999999999999999d", "6hh"}) {
        std::string err;
        INFO(bad);
        CHECK_FALSE(parse_duration(bad, &err));
        CHECK_FALSE(err.empty());
    }
}

TEST_CASE("format_duration uses the largest exact unit") {
    CHECK(mj::format_duration(21600) == "6h");
    CHECK(mj::format_duration(90) == "90s");
    CHECK(mj::format_duration(2592000) == "30d");
    CHECK(mj::format_duration(120) == "2m");
}
