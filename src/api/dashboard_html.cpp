#include "api/dashboard_html.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "core/log.h"   // iso_time
#include "core/text.h"  // printable

namespace mj {
namespace {

// Small on purpose: one column on a phone, tables scroll sideways inside their box.
const char* const kCss =
    "body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}"
    "header{background:#1f2937;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}"
    "header a{color:#dbeafe;text-decoration:none}header a.on{color:#fff;font-weight:600;text-decoration:underline}"
    "header strong{margin-right:auto}header form{margin:0}"
    "main{padding:.5rem 1rem 2rem;max-width:80rem}"
    "h1{font-size:1.3rem;margin:.75rem 0}h2{font-size:1.1rem;margin:1.25rem 0 .5rem}"
    ".scroll{overflow-x:auto;background:#fff;border:1px solid #d8dde3;border-radius:4px}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}"
    "th,td{padding:.3rem .5rem;text-align:left;border-bottom:1px solid #eceff2;white-space:nowrap;vertical-align:top}"
    "td.wrap{white-space:normal;min-width:12rem;word-break:break-word}td.n,th.n{text-align:right}"
    ".banner{padding:.6rem .8rem;border-radius:4px;margin:.75rem 0;border:1px solid}"
    ".ok{background:#e8f5e9;border-color:#a5d6a7}.bad{background:#fdecea;border-color:#f5a9a3}"
    ".warn{background:#fff8e1;border-color:#ffe08a}"
    ".banner ul{margin:.3rem 0 0;padding-left:1.2rem}"
    ".o-done{color:#1b5e20}.o-failed{color:#b71c1c;font-weight:600}.o-more{color:#8a5a00}"
    ".o-skipped,.o-interrupted{color:#6b4f00}"
    "form.inline{display:inline-block;margin:0 .5rem .5rem 0}"
    "button{font:inherit;padding:.35rem .8rem;border:1px solid #1f2937;border-radius:4px;background:#fff;cursor:pointer}"
    "button[disabled]{opacity:.5;cursor:default}"
    "input[type=password]{font:inherit;padding:.4rem;width:100%;max-width:24rem;box-sizing:border-box}"
    "figure{margin:0 0 1rem;background:#fff;border:1px solid #d8dde3;border-radius:4px;padding:.5rem}"
    "figure svg{width:100%;height:auto;display:block}figcaption{font-size:.85rem}"
    ".key{display:inline-block;width:.8em;height:.8em;margin:0 .25em 0 .75em;vertical-align:-.05em}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:.75rem}"
    ".muted{color:#5f6b7a}";

std::string base64(const unsigned char* data, size_t n) {
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]), data, static_cast<int>(n));
    out.resize(static_cast<size_t>(len));
    return out;
}

void nav_item(std::string& out, const PageFrame& f, const char* id, const char* path, const char* label) {
    out += "<a href=\"" + html_escape(f.base + path) + "\"" + (f.active == id ? " class=\"on\" aria-current=\"page\"" : "") + ">" +
           label + "</a>";
}

}  // namespace

std::string html_escape(std::string_view text) {
    const std::string safe = printable(text);
    std::string out;
    out.reserve(safe.size() + 16);
    for (char c : safe) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string short_age(int64_t s) {
    if (s < 0) s = -s;
    if (s < 120) return std::to_string(s) + "s";
    if (s < 7200) return std::to_string(s / 60) + "m";
    if (s < 172800) return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
    return std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h";
}

std::string time_html(int64_t at, int64_t now) {
    const std::string iso = iso_time(at);
    const std::string rel = at <= now ? short_age(now - at) + " ago" : "in " + short_age(at - now);
    return "<time datetime=\"" + html_escape(iso) + "\" title=\"" + html_escape(iso) + "\">" + html_escape(rel) + "</time>";
}

const std::string& dashboard_csp() {
    static const std::string csp = [] {
        unsigned char digest[SHA256_DIGEST_LENGTH];
        const std::string css = kCss;
        SHA256(reinterpret_cast<const unsigned char*>(css.data()), css.size(), digest);
        return "default-src 'none'; style-src 'sha256-" + base64(digest, sizeof digest) +
               "'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }();
    return csp;
}

std::string html_page(const PageFrame& f, const std::string& body_html) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta name=\"referrer\" content=\"no-referrer\">"
        "<title>" + html_escape(f.title) + " \xE2\x80\x94 mailjobs</title><style>" + kCss + "</style></head><body><header><strong>mailjobs</strong>";
    if (f.signed_in) {
        nav_item(out, f, "overview", "/", "Overview");
        nav_item(out, f, "runs", "/runs", "Runs");
        nav_item(out, f, "charts", "/charts", "Charts");
        nav_item(out, f, "accounts", "/accounts", "Accounts");
        if (f.session)
            out += "<form method=\"post\" action=\"" + html_escape(f.base + "/signout") + "\"><input type=\"hidden\" name=\"csrf\" value=\"" +
                   html_escape(f.csrf) + "\"><button type=\"submit\">Sign out</button></form>";
    }
    out += "</header><main>" + body_html + "</main></body></html>\n";
    return out;
}

}  // namespace mj
