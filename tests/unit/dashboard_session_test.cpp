#include "api/dashboard_session.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>

namespace {
const std::string kSecret = "0123456789abcdef0123456789abcdef";
const std::string kToken = "test-token-0123456789abcdef";
}  // namespace

TEST_CASE("session cookie: valid until its expiry, bound to the secret and the API token", "[dashboard]") {
    const int64_t now = 1700000000;
    const std::string s = mj::make_session(kSecret, kToken, now, 3600);
    CHECK(s.rfind("1700003600.", 0) == 0);
    CHECK(mj::session_valid(kSecret, kToken, s, now));
    CHECK(mj::session_valid(kSecret, kToken, s, now + 3599));
    CHECK_FALSE(mj::session_valid(kSecret, kToken, s, now + 3600));            // expired
    CHECK_FALSE(mj::session_valid(kSecret + "x", kToken, s, now));             // another secret
    CHECK_FALSE(mj::session_valid(kSecret, kToken + "x", s, now));             // the token changed
    std::string forged = "1800000000" + s.substr(s.find('.'));
    CHECK_FALSE(mj::session_valid(kSecret, kToken, forged, now));              // a later expiry
    std::string flipped = s;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    CHECK_FALSE(mj::session_valid(kSecret, kToken, flipped, now));             // a changed MAC
    for (const char* bad : {"", ".", "..", "abc", "1.2", "x.y.z", "-1.a.b", "17000036001700003600.a.b"})
        CHECK_FALSE(mj::session_valid(kSecret, kToken, bad, now));
    CHECK(mj::make_session(kSecret, kToken, now, 3600) != s);                  // a fresh nonce each time
}

TEST_CASE("csrf_token: one per session, 64 hex digits", "[dashboard]") {
    const std::string a = mj::make_session(kSecret, kToken, 1700000000, 60), b = mj::make_session(kSecret, kToken, 1700000000, 60);
    CHECK(mj::csrf_token(kSecret, a).size() == 64);
    CHECK(mj::csrf_token(kSecret, a) == mj::csrf_token(kSecret, a));
    CHECK(mj::csrf_token(kSecret, a) != mj::csrf_token(kSecret, b));
    CHECK(mj::csrf_token(kSecret, a) != mj::csrf_token(kSecret + "x", a));
}

TEST_CASE("cookie_value and set_cookie", "[dashboard]") {
    CHECK(mj::cookie_value("a=1; mailjobs_session=v.1.2; b=3", "mailjobs_session") == "v.1.2");
    CHECK(mj::cookie_value("xmailjobs_session=no; mailjobs_session=yes", "mailjobs_session") == "yes");
    CHECK(mj::cookie_value("mailjobs_sessionx=no", "mailjobs_session") == "");
    CHECK(mj::cookie_value("", "mailjobs_session") == "");
    CHECK(mj::set_cookie("n", "v", "/cgi-bin/m.cgi", 60) == "n=v; Path=/cgi-bin/m.cgi; Max-Age=60; HttpOnly; Secure; SameSite=Strict");
    CHECK(mj::set_cookie("n", "", "", 0) == "n=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
}

TEST_CASE("sign-in failures: counted per 15-minute window", "[dashboard]") {
    char tmpl[] = "/tmp/mj-dash-test.XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    {
        auto db = mj::Db::open(dir + "/t.db", 1000);
        const int64_t t = 1700000100;
        const int64_t start = t - t % mj::kSignInWindow;
        CHECK(mj::sign_in_failures(*db, t) == 0);
        mj::record_sign_in_failure(*db, t);
        mj::record_sign_in_failure(*db, start + mj::kSignInWindow - 1);
        CHECK(mj::sign_in_failures(*db, t) == 2);
        CHECK(mj::sign_in_failures(*db, start + mj::kSignInWindow) == 0);  // the next window
        CHECK(mj::sign_in_retry_after(start) == mj::kSignInWindow);
        CHECK(mj::sign_in_retry_after(start + mj::kSignInWindow - 1) == 1);
    }
    std::system(("rm -rf " + dir).c_str());
}
