#include "jobs/disk_cap.h"

#include <catch2/catch.hpp>

using mj::CappedFile;

TEST_CASE("over_cap: oldest first until the rest fits", "[disk]") {
    std::vector<CappedFile> f = {{"a", 100}, {"b", 100}, {"c", 100}, {"d", 100}};
    CHECK(mj::over_cap(f, 0).empty());    // no cap
    CHECK(mj::over_cap(f, 400).empty());  // fits exactly
    CHECK(mj::over_cap(f, 399) == std::vector<std::string>{"a"});
    CHECK(mj::over_cap(f, 250) == std::vector<std::string>({"a", "b"}));
}

TEST_CASE("over_cap: never the newest, even when it alone passes the cap", "[disk]") {
    std::vector<CappedFile> f = {{"a", 100}, {"b", 100}, {"new", 1000}};
    CHECK(mj::over_cap(f, 50) == std::vector<std::string>({"a", "b"}));
    CHECK(mj::over_cap({{"only", 1000}}, 10).empty());
}

TEST_CASE("over_cap: files that may not go stay and still count", "[disk]") {
    // b not uploaded yet: c goes instead, the total still counts b.
    std::vector<CappedFile> f = {{"a", 100}, {"b", 100, false}, {"c", 100}, {"d", 100}};
    CHECK(mj::over_cap(f, 250) == std::vector<std::string>({"a", "c"}));
    CHECK(mj::over_cap(f, 100) == std::vector<std::string>({"a", "c"}));  // d is the newest
}
