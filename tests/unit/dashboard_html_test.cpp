#include "api/dashboard_html.h"

#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/sha.h>

TEST_CASE("html_escape: markup, quotes, controls and bad UTF-8 become text", "[dashboard]") {
    CHECK(mj::html_escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    CHECK(mj::html_escape("a & b \"c\"") == "a &amp; b &quot;c&quot;");
    CHECK(mj::html_escape("\" onmouseover=\"x") == "&quot; onmouseover=&quot;x");
    CHECK(mj::html_escape("\x1b[31mred") == "\\x1b[31mred");         // a terminal escape shown, not passed
    CHECK(mj::html_escape("bad \xff" " byte") == "bad \\xff byte");      // invalid UTF-8 shown as \xff
    CHECK(mj::html_escape("caf\xC3\xA9") == "caf\xC3\xA9");           // valid UTF-8 kept
    CHECK(mj::html_escape("\xE2\x80\xAE" "evil") == "\\u202eevil");      // a bidi override shown
    CHECK(mj::html_escape("") == "");
}

TEST_CASE("html_page: escapes the title, allows its one style by hash, links under the script", "[dashboard]") {
    mj::PageFrame f;
    f.title = "<b>x</b>";
    f.base = "/cgi-bin/mailjobs.cgi";
    f.active = "runs";
    const std::string page = mj::html_page(f, "<p>body</p>");
    CHECK(page.find("<title>&lt;b&gt;x&lt;/b&gt;") != std::string::npos);
    CHECK(page.find("href=\"/cgi-bin/mailjobs.cgi/runs\" class=\"on\"") != std::string::npos);
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("style=\"") == std::string::npos);  // no style attribute: the CSP has no 'unsafe-inline'
    // The CSP's hash is the SHA-256 of the <style> element's text.
    const size_t a = page.find("<style>") + 7, b = page.find("</style>");
    const std::string css = page.substr(a, b - a);
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(css.data()), css.size(), d);
    unsigned char b64[64] = {};
    EVP_EncodeBlock(b64, d, sizeof d);
    const std::string& csp = mj::dashboard_csp();
    CHECK(csp.find("style-src 'sha256-" + std::string(reinterpret_cast<char*>(b64)) + "'") != std::string::npos);
    CHECK(csp.rfind("default-src 'none'", 0) == 0);
    CHECK(csp.find("unsafe") == std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
}

TEST_CASE("short_age and time_html", "[dashboard]") {
    CHECK(mj::short_age(45) == "45s");
    CHECK(mj::short_age(600) == "10m");
    CHECK(mj::short_age(3 * 3600 + 5 * 60) == "3h 5m");
    CHECK(mj::short_age(2 * 86400 + 4 * 3600) == "2d 4h");
    CHECK(mj::time_html(1700000000, 1700000600) ==
          "<time datetime=\"2023-11-14T22:13:20Z\" title=\"2023-11-14T22:13:20Z\">10m ago</time>");
    CHECK(mj::time_html(1700000600, 1700000000).find(">in 10m<") != std::string::npos);
}
