// SHA-256 against the FIPS 180-2 test vectors, incremental = one shot, and download tokens.
#include "core/digest.h"

#include <catch2/catch.hpp>

#include <set>

TEST_CASE("sha256: known vectors, in one piece and in pieces", "[digest]") {
    CHECK(mj::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(mj::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    mj::Sha256 h;
    for (char c : std::string("abc")) h.update(&c, 1);
    CHECK(h.hex() == mj::sha256_hex("abc"));
}

TEST_CASE("random_token: 32 bytes = 43 base64url characters, never twice", "[digest]") {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        std::string t = mj::random_token(32);
        REQUIRE(t.size() == 43);
        CHECK(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
        seen.insert(t);
    }
    CHECK(seen.size() == 200);
    CHECK(mj::random_token(3).size() == 4);
}
