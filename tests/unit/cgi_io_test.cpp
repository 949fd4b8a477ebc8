#include "api/cgi_io.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

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
    for (int s : {200, 204, 400, 401, 403, 404, 405, 409, 413, 500, 503}) CHECK(std::string(mj::status_text(s)) != "Error");
}

TEST_CASE("is_cgi_invocation: GATEWAY_INTERFACE and no arguments, or exactly an ISINDEX query's words", "[cgi]") {
    using V = std::vector<std::string>;
    CHECK(mj::is_cgi_invocation({}, "CGI/1.1", nullptr));
    CHECK(mj::is_cgi_invocation({}, "CGI/1.1", "olderThan=30d"));
    CHECK_FALSE(mj::is_cgi_invocation({}, nullptr, nullptr));
    CHECK_FALSE(mj::is_cgi_invocation({}, "", nullptr));
    // inherited from a parent process: a command line stays a command line
    CHECK_FALSE(mj::is_cgi_invocation(V{"run", "session-cleanup"}, "CGI/1.1", nullptr));
    CHECK_FALSE(mj::is_cgi_invocation(V{"status"}, "CGI/1.1", "job=x"));
    CHECK_FALSE(mj::is_cgi_invocation(V{"status"}, "CGI/1.1", "other"));
    // RFC 3875 4.4: a query without '=' may arrive as argv, split at '+' and %-decoded
    CHECK(mj::is_cgi_invocation(V{"status"}, "CGI/1.1", "status"));
    CHECK(mj::is_cgi_invocation(V{"a b", "c"}, "CGI/1.1", "a%20b+c"));
    CHECK_FALSE(mj::is_cgi_invocation(V{"a"}, "CGI/1.1", "a+b"));
    CHECK_FALSE(mj::is_cgi_invocation(V{"%zz"}, "CGI/1.1", "%zz"));
}

TEST_CASE("parse_json_body: a key given twice is 400, at any depth; bad JSON is 400", "[cgi]") {
    CHECK(mj::parse_json_body(R"({"job": "a", "dryRun": true})")["job"] == "a");
    CHECK(mj::parse_json_body(R"({"a": {"x": 1}, "b": {"x": 2}})")["b"]["x"] == 2);  // same key in two objects
    auto status_of = [](const std::string& body, std::string* what) {
        try {
            mj::parse_json_body(body);
        } catch (const mj::HttpError& e) {
            *what = e.what();
            return e.status;
        }
        return 200;
    };
    std::string what;
    CHECK(status_of(R"({"job": "session-cleanup", "job": "magic-link-expiry"})", &what) == 400);
    CHECK(what == "bad JSON body: key 'job' given twice");
    CHECK(status_of(R"({"a": {"x": 1, "x": 2}})", &what) == 400);
    CHECK(what.find("key 'x' given twice") != std::string::npos);
    CHECK(status_of(R"({"job": )", &what) == 400);
    CHECK(what.find("bad JSON body") != std::string::npos);
}

TEST_CASE("read_cgi_request: Content-Length of any size is 413, not digits is 400", "[cgi]") {
    setenv("REQUEST_METHOD", "POST", 1);
    unsetenv("QUERY_STRING");
    auto status_for = [](const char* length) {
        setenv("CONTENT_LENGTH", length, 1);
        try {
            mj::read_cgi_request();
        } catch (const mj::HttpError& e) {
            return e.status;
        }
        return 200;
    };
    CHECK(status_for("65537") == 413);
    CHECK(status_for("1000000000000") == 413);        // 13 digits
    CHECK(status_for("99999999999999999999999") == 413);
    CHECK(status_for("12a") == 400);
    CHECK(status_for("-1") == 400);
    CHECK(status_for("0") == 200);
    CHECK(status_for("000") == 200);
    unsetenv("CONTENT_LENGTH");
    unsetenv("REQUEST_METHOD");
}
