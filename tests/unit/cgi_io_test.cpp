#include "api/cgi_io.h"

#include <catch2/catch.hpp>

TEST_CASE("parse_query: names, values, escapes and errors") {
    SECTION("plain pairs, + and %-escapes") {
        auto q = mj::parse_query("olderThan=30d&job=session-cleanup&note=a+b%2Fc&flag");
        CHECK(q.at("olderThan") == "30d");
        CHECK(q.at("job") == "session-cleanup");
        CHECK(q.at("note") == "a b/c");
        CHECK(q.at("flag") == "");
        CHECK(q.size() == 4);
    }
    SECTION("empty parts are skipped") { CHECK(mj::parse_query("&&a=1&").size() == 1); }
    SECTION("a repeated name is 400, not last-one-wins") {
        try {
            mj::parse_query("job=a&job=b");
            FAIL("no error");
        } catch (const mj::HttpError& e) {
            CHECK(e.status == 400);
            CHECK(std::string(e.what()).find("'job' given twice") != std::string::npos);
        }
    }
    SECTION("a broken %-escape is 400") {
        CHECK_THROWS_AS(mj::parse_query("job=%zz"), mj::HttpError);
        CHECK_THROWS_AS(mj::parse_query("job=%4"), mj::HttpError);
    }
}

TEST_CASE("bearer_token: only the Bearer scheme, case-insensitive, trimmed") {
    CHECK(mj::bearer_token("Bearer abc123") == "abc123");
    CHECK(mj::bearer_token("bearer abc123") == "abc123");
    CHECK(mj::bearer_token("  BEARER   abc123  ") == "abc123");
    CHECK(mj::bearer_token("Basic dXNlcjpwYXNz") == "");
    CHECK(mj::bearer_token("Bearer") == "");
    CHECK(mj::bearer_token("") == "");
    CHECK(mj::bearer_token("Bearerabc") == "");
}

TEST_CASE("same_secret: equal only for identical strings of any length") {
    CHECK(mj::same_secret("test-token-0123456789", "test-token-0123456789"));
    CHECK_FALSE(mj::same_secret("test-token-0123456789", "test-token-012345678"));   // prefix
    CHECK_FALSE(mj::same_secret("test-token-0123456789", "test-token-01234567890"));  // longer
    CHECK_FALSE(mj::same_secret("test-token-0123456789", "Test-token-0123456789"));
    CHECK_FALSE(mj::same_secret("", "x"));
}

TEST_CASE("status_text covers every status the API answers") {
    for (int s : {200, 400, 401, 403, 404, 405, 409, 413, 500, 503}) CHECK(std::string(mj::status_text(s)) != "Error");
}
