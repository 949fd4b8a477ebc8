// HTML for the dashboard: the one escaper every value passes through, and the page layout (head,
// inline CSS, navigation) with the Content-Security-Policy that goes with it.
//
// Escaping: html_escape() first makes the text printable (core/text.h: controls shown as \x1b,
// invalid UTF-8 as \xff, bidi overrides as \u202e), then replaces & < > " ' with entities, so
// its output is safe in element content and in a quoted attribute value alike. Every value from
// the database (job names, errors, table names, owners) goes through it; the page code builds
// markup only from fixed strings and escaped values.
//
// CSP: default-src 'none', the one <style> element allowed by its SHA-256 (no 'unsafe-inline'),
// img-src data:, form-action 'self', frame-ancestors 'none'. No script at all; the SVG charts use
// presentation attributes, which CSP does not govern.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace mj {

// Text for HTML content or a double- or single-quoted attribute value.
std::string html_escape(std::string_view text);

// "45s", "12m", "3h 5m", "2d 4h"
std::string short_age(int64_t seconds);

// A <time> element: ISO time as its title, "12m ago" / "in 5m" relative to `now` as its text.
std::string time_html(int64_t at, int64_t now);

struct PageFrame {
    std::string title;     // plain text (escaped here)
    std::string base;      // SCRIPT_NAME: every link and form action starts with it
    std::string active;    // "overview", "runs", "charts", "accounts" or "" (highlights the nav item)
    bool signed_in = true; // false: no navigation (the sign-in page)
    bool session = false;  // signed in with a cookie: show the sign-out button (csrf needed)
    std::string csrf;      // the session's CSRF token, for the sign-out form
};

// A whole document: doctype, head (viewport for 375 px screens, the inline CSS), nav, `body_html`.
std::string html_page(const PageFrame& frame, const std::string& body_html);

// The Content-Security-Policy header value that allows exactly the CSS html_page() inlines.
const std::string& dashboard_csp();

}  // namespace mj
