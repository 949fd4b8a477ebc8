#include "delivery/webhook_sign.h"

#include <catch2/catch.hpp>

#include <algorithm>

TEST_CASE("hmac_sha256_hex: RFC 4231 test case 2") {
    CHECK(mj::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("webhook_signature signs '<timestamp>.<body>'") {
    std::string body = R"({"event":"delivered"})";
    CHECK(mj::webhook_signature("s3cret", 1795000000, body) == "sha256=" + mj::hmac_sha256_hex("s3cret", "1795000000." + body));
    CHECK(mj::webhook_signature("s3cret", 1795000001, body) != mj::webhook_signature("s3cret", 1795000000, body));
    CHECK(mj::webhook_signature("other", 1795000000, body) != mj::webhook_signature("s3cret", 1795000000, body));
}

TEST_CASE("webhook_headers: signature only with a secret; delivery id and attempt when given") {
    auto has = [](const std::vector<std::string>& h, const std::string& line) {
        return std::find(h.begin(), h.end(), line) != h.end();
    };
    auto h = mj::webhook_headers("k", 10, "{}", "abc", 3);
    CHECK(has(h, "Content-Type: application/json"));
    CHECK(has(h, "X-Mailjobs-Timestamp: 10"));
    CHECK(has(h, "X-Mailjobs-Signature: " + mj::webhook_signature("k", 10, "{}")));
    CHECK(has(h, "X-Mailjobs-Delivery: abc"));
    CHECK(has(h, "X-Mailjobs-Attempt: 3"));
    auto bare = mj::webhook_headers("", 10, "{}", "", 0);
    CHECK(bare.size() == 2);
}
