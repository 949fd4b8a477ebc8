#include "delivery/pings.h"

#include <catch2/catch.hpp>

#include <regex>

TEST_CASE("ping_signal_url: healthchecks.io conventions") {
    const std::string rid = "0f5c5e4e-8d3b-4a4e-9a59-3c2d8f1e2a7b";
    CHECK(mj::ping_signal_url("https://hc-ping.com/abc", "start", rid) == "https://hc-ping.com/abc/start?rid=" + rid);
    CHECK(mj::ping_signal_url("https://hc-ping.com/abc", "", rid) == "https://hc-ping.com/abc?rid=" + rid);
    CHECK(mj::ping_signal_url("https://hc-ping.com/abc/", "1", rid) == "https://hc-ping.com/abc/1?rid=" + rid);
    CHECK(mj::ping_signal_url("https://hc.example/ping/key/slug?create=1", "fail", rid) ==
          "https://hc.example/ping/key/slug/fail?create=1&rid=" + rid);
    CHECK(mj::ping_signal_url("https://hc-ping.com/abc", "", "") == "https://hc-ping.com/abc");
}

TEST_CASE("random_uuid: canonical lowercase version-4 UUIDs, different each time") {
    std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    std::string a = mj::random_uuid(), b = mj::random_uuid();
    CHECK(std::regex_match(a, v4));
    CHECK(std::regex_match(b, v4));
    CHECK(a != b);
}
