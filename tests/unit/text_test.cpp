#include "core/text.h"

#include <catch2/catch.hpp>

TEST_CASE("printable: controls, C1, bidi overrides and invalid UTF-8 are shown, never passed through", "[text]") {
    using mj::printable;
    CHECK(printable("plain text, ok") == "plain text, ok");
    CHECK(printable("Grüße, 日本, 🙂") == "Grüße, 日本, 🙂");  // valid non-ASCII stays
    CHECK(printable("\x1b]0;pwned\x07\x1b[2J") == "\\x1b]0;pwned\\x07\\x1b[2J");
    CHECK(printable("a\rb\nc\td\x7f") == "a\\rb\\nc\\td\\x7f");
    CHECK(printable(std::string("nul\0x", 5)) == "nul\\x00x");
    CHECK(printable("csi \xc2\x9b" "2J") == "csi \\u009b2J");        // U+009B, a C1 control
    CHECK(printable("rlo \xe2\x80\xae" "txt") == "rlo \\u202etxt");  // U+202E RIGHT-TO-LEFT OVERRIDE
    CHECK(printable("ls \xe2\x80\xa8") == "ls \\u2028");
    CHECK(printable("bad \xff\xfe end") == "bad \\xff\\xfe end");
    CHECK(printable("cut \xe6\x97") == "cut \\xe6\\x97");              // a sequence cut short
    CHECK(printable("overlong \xc0\xaf") == "overlong \\xc0\\xaf");
    CHECK(printable("surrogate \xed\xa0\x80") == "surrogate \\xed\\xa0\\x80");
    CHECK(printable("raw 8-bit csi \x9b") == "raw 8-bit csi \\x9b");
    // whole output blocks keep their own newlines, nothing else
    CHECK(mj::printable_lines("row 1\x1b[2J\nrow 2\r\n") == "row 1\\x1b[2J\nrow 2\\r\n");
}

TEST_CASE("json_text: invalid UTF-8 becomes U+FFFD, terminal controls are escaped, the result parses back", "[text]") {
    nlohmann::json j = {{"body", "\x1b]0;pwned\x07\x1b[2J \xff\xfe ok"}, {"c1", "\xc2\x9b" "2J \x7f \xe2\x80\xae"},
                        {"fine", "Grüße"}};
    std::string t;
    REQUIRE_NOTHROW(t = mj::json_text(j));
    CHECK(t.find('\x1b') == std::string::npos);
    CHECK(t.find('\x07') == std::string::npos);
    CHECK(t.find('\x7f') == std::string::npos);
    CHECK(t.find("\xc2\x9b") == std::string::npos);
    CHECK(t.find("\xe2\x80\xae") == std::string::npos);
    CHECK(t.find("\\u001b]0;pwned") != std::string::npos);
    CHECK(t.find("\\u009b2J \\u007f \\u202e") != std::string::npos);
    nlohmann::json back = nlohmann::json::parse(t);
    CHECK(back["body"] == "\x1b]0;pwned\x07\x1b[2J \xef\xbf\xbd\xef\xbf\xbd ok");
    CHECK(back["c1"] == "\xc2\x9b" "2J \x7f \xe2\x80\xae");  // same characters, only written escaped
    CHECK(back["fine"] == "Grüße");
    CHECK(t.find("Grüße") != std::string::npos);  // readable non-ASCII is not \u-escaped
    nlohmann::ordered_json o = {{"k", "\xff"}};
    CHECK(mj::json_text(o) == "{\"k\":\"\xef\xbf\xbd\"}");
    CHECK(mj::json_text(nlohmann::json{{"a", 1}}, 2) == "{\n  \"a\": 1\n}");
}

TEST_CASE("valid_utf8 and with_invalid_utf8_replaced: each byte that is not UTF-8 becomes one U+FFFD", "[text]") {
    using mj::valid_utf8;
    using mj::with_invalid_utf8_replaced;
    CHECK(valid_utf8(""));
    CHECK(valid_utf8("Grüße, 日本, 🙂 \x1b[2J"));  // controls are valid UTF-8
    CHECK_FALSE(valid_utf8("\xff\xfe end"));
    CHECK_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
    CHECK_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
    CHECK_FALSE(valid_utf8("cut \xe6\x97"));      // a sequence cut short at the end
    CHECK(with_invalid_utf8_replaced("ok 日本") == "ok 日本");
    CHECK(with_invalid_utf8_replaced("\xff\xfe end") == "\xEF\xBF\xBD\xEF\xBF\xBD end");
    CHECK(with_invalid_utf8_replaced("cut \xe6\x97") == "cut \xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(valid_utf8(with_invalid_utf8_replaced("\x80\xc2 \xf4\x90\x80\x80 z")));
}
