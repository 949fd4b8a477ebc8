#include "cli/common.h"

#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/exit_codes.h"

namespace {

int exit_code_of(const std::string& text) {
    try {
        mj::parse_now(text);
    } catch (const mj::Error& e) {
        return e.code;
    }
    return 0;
}

}  // namespace

TEST_CASE("--now: unix seconds and exact ISO 8601 times, UTC unless an offset is given", "[now]") {
    CHECK(mj::parse_now("0") == 0);
    CHECK(mj::parse_now("1795000000") == 1795000000);
    CHECK(mj::parse_now("4102444799") == 4102444799);
    CHECK(mj::parse_now("2026-11-23") == 1795392000);
    CHECK(mj::parse_now("2026-11-23T10:00") == 1795392000 + 36000);
    CHECK(mj::parse_now("2026-11-23 10:00:05") == 1795392000 + 36005);
    CHECK(mj::parse_now("2026-11-23T10:00:05Z") == 1795392000 + 36005);
    CHECK(mj::parse_now("2026-11-23T10:00:05+01:00") == 1795392000 + 36005 - 3600);
    CHECK(mj::parse_now("2026-11-23T10:00-05:30") == 1795392000 + 36000 + 5 * 3600 + 1800);
    CHECK(mj::parse_now("2024-02-29") == 1709164800);
    CHECK(mj::parse_now("1970-01-01T00:00:00Z") == 0);
    CHECK(mj::parse_now("2099-12-31T23:59:59Z") == 4102444799);
}

TEST_CASE("--now: everything else is a usage error (exit 2), never a CHECK failure or stoll", "[now]") {
    for (const char* bad : {"", "yesterday", "2026-01-01garbage", "2026-02-31", "2025-02-29", "2026-13-01", "2026-00-10",
                            "2026-1-1", "2026-01-01T", "2026-01-01T24:00", "2026-01-01T10:60", "2026-01-01T10:00:60",
                            "2026-01-01T10:00:00ZZ", "2026-01-01T10:00:00+1", "2026-01-01T10:00:00+19:00",
                            "2026-01-01T10:00:00.5Z", "2026-01-01t10:00", "99999999999", "4102444800",
                            "99999999999999999999999", "-1", "+5", "2100-01-01", "1969-12-31", "1970-01-01T00:00+01:00",
                            " 2026-01-01", "2026-01-01 "})
        CHECK(exit_code_of(bad) == mj::kExitUsage);
}
