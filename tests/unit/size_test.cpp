#include "core/size.h"

#include <catch2/catch.hpp>

#include "core/config.h"

TEST_CASE("parse_size: bytes, or a whole number with a binary unit", "[size]") {
    std::string err;
    CHECK(mj::parse_size("0", &err) == 0);
    CHECK(mj::parse_size("1048576", &err) == 1048576);
    CHECK(mj::parse_size("512K", &err) == 512 * 1024);
    CHECK(mj::parse_size("500M", &err) == 500LL << 20);
    CHECK(mj::parse_size("2G", &err) == 2LL << 30);
    CHECK(mj::parse_size("2g", &err) == 2LL << 30);
    CHECK(mj::parse_size("2GB", &err) == 2LL << 30);
    CHECK(mj::parse_size("2GiB", &err) == 2LL << 30);
    CHECK(mj::parse_size("1T", &err) == 1LL << 40);
    for (const char* bad : {"", "M", "1.5G", "-1M", "5X", "2 G", "1GG", "99999999999999999999"}) {
        err.clear();
        CHECK_FALSE(mj::parse_size(bad, &err));
        CHECK_FALSE(err.empty());
    }
    CHECK_FALSE(mj::parse_size("2000000T", &err));  // past 2^60
}

TEST_CASE("format_size: the largest exact unit", "[size]") {
    CHECK(mj::format_size(0) == "0");
    CHECK(mj::format_size(1000) == "1000");
    CHECK(mj::format_size(500LL << 20) == "500M");
    CHECK(mj::format_size(1LL << 30) == "1G");
    CHECK(mj::format_size(1536LL << 20) == "1536M");
}

TEST_CASE("KeyType::size in the key table: validated with its range", "[size]") {
    const mj::KeyDef* cap = nullptr;
    for (const auto& k : mj::config_keys())
        if (std::string(k.section) == "backup" && std::string(k.key) == "max_disk") cap = &k;
    REQUIRE(cap);
    CHECK(mj::validate_value(*cap, "2G") == "");
    CHECK(mj::validate_value(*cap, "0") == "");
    CHECK_FALSE(mj::validate_value(*cap, "2 gigs").empty());
    CHECK_FALSE(mj::validate_value(*cap, "2000T").empty());  // past the key's range (2^50)
}
