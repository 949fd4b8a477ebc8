#include "api/dashboard.h"

#include <cstdlib>

#include "api/api_token.h"
#include "api/dashboard_html.h"
#include "api/dashboard_pages.h"
#include "api/dashboard_session.h"
#include "core/db_error.h"
#include "core/due.h"
#include "core/error.h"
#include "core/job_catalogue.h"
#include "core/lease.h"
#include "core/log.h"
#include "core/startup.h"

namespace mj {
namespace {

enum class Page { overview, runs, charts, accounts, job, signin, signout, none };

struct Target {
    Page page = Page::none;
    std::string job;     // Page::job
    std::string action;  // "", "due" or "release"
};

Target parse_target(const std::string& path) {
    if (path.empty()) return {Page::overview, "", ""};
    if (path == "/runs") return {Page::runs, "", ""};
    if (path == "/charts") return {Page::charts, "", ""};
    if (path == "/accounts") return {Page::accounts, "", ""};
    if (path == "/signin") return {Page::signin, "", ""};
    if (path == "/signout") return {Page::signout, "", ""};
    if (path.rfind("/jobs/", 0) == 0) {
        std::string rest = path.substr(6), action;
        const size_t slash = rest.find('/');
        if (slash != std::string::npos) {
            action = rest.substr(slash + 1);
            rest = rest.substr(0, slash);
            if (action != "due" && action != "release") return {};
        }
        return {Page::job, rest, action};
    }
    return {};
}

// One HTML answer: the layout, the security headers, and the status.
struct Responder {
    const CgiRequest& req;
    PageFrame frame;
    bool head;

    void page(int status, const std::string& title, const std::string& body, Headers extra = {}) {
        frame.title = title;
        Headers h = {{"Content-Security-Policy", dashboard_csp()}, {"X-Frame-Options", "DENY"}, {"Referrer-Policy", "no-referrer"}};
        h.insert(h.end(), extra.begin(), extra.end());
        write_response(status, "text/html; charset=utf-8", html_page(frame, body), h, !head);
    }
};

// An absolute URL on this server for a 303 (a CGI "Location: /path" without a scheme may be
// taken by the server as an internal redirect). A Host header with anything but host-name
// characters falls back to the path alone.
std::string location(const std::string& path) {
    const char* host = std::getenv("HTTP_HOST");
    const char* https = std::getenv("HTTPS");
    std::string h = host ? host : "";
    if (h.empty() || h.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != std::string::npos) return path;
    const bool tls = https && (std::string(https) == "on" || std::string(https) == "1");
    return std::string(tls ? "https://" : "http://") + h + path;
}

void see_other(Responder& r, const std::string& path, Headers extra = {}) {
    extra.push_back({"Location", location(path)});
    r.frame.signed_in = false;
    r.page(303, "Redirect", "<p><a href=\"" + html_escape(path) + "\">Continue</a></p>", extra);
}

std::string form_field(const std::map<std::string, std::string>& form, const char* name) {
    auto it = form.find(name);
    return it == form.end() ? "" : it->second;
}

std::string flash_text(const CgiRequest& req) {
    auto it = req.query.find("done");
    if (it == req.query.end()) return "";
    if (it->second == "due") return "Made due now: the next tick runs it.";
    if (it->second == "released") return "The dead lease was released.";
    if (it->second == "no-lease") return "No lease was held.";
    return "";  // never echo a query value
}

int sign_in(Responder& r, const CgiRequest& req, const Config& config, Db& db, const std::string& token, int64_t now) {
    r.frame.signed_in = false;
    if (req.method != "POST") {
        r.page(200, "Sign in", sign_in_html(r.frame.base, ""));
        return 200;
    }
    const int64_t limit = config.integer("dashboard", "sign_in_limit");
    if (sign_in_failures(db, now) >= limit) {
        const int64_t wait = sign_in_retry_after(now);
        r.page(429, "Sign in", sign_in_html(r.frame.base, "Too many failed sign-ins; try again in " + short_age(wait) + "."),
               {{"Retry-After", std::to_string(wait)}});
        return 429;
    }
    const auto form = parse_query(req.body);  // application/x-www-form-urlencoded
    if (!same_secret(form_field(form, "token"), token)) {
        record_sign_in_failure(db, now);
        r.page(401, "Sign in", sign_in_html(r.frame.base, "Wrong token."));
        return 401;
    }
    const std::string secret = load_session_secret(config);
    const int64_t lifetime = config.duration("dashboard", "session_lifetime");
    const std::string cookie = make_session(secret, token, now, lifetime);
    see_other(r, r.frame.base + "/", {{"Set-Cookie", set_cookie(kSessionCookie, cookie, r.frame.base, lifetime)}});
    return 303;
}

int act(Responder& r, const CgiRequest& req, const Config& config, Db& db, const Target& t, int64_t now) {
    const std::string page = r.frame.base + "/jobs/" + t.job;
    if (t.action == "due") {
        make_due_now(db, t.job, now);
        logger().log(Level::info, "dashboard_make_due", {}, t.job);
        see_other(r, page + "?done=due");
        return 303;
    }
    LeaseHolder live;
    DeadLeaseRelease result = DeadLeaseRelease::no_lease;
    db.write([&] { result = release_dead_lease_in_txn(db, t.job, &live); });
    if (result == DeadLeaseRelease::live) {
        r.page(409, "Lease held", "<h1>Lease held</h1><p>" +
                                      html_escape(t.job + " is held by a live run (" + live.owner + ", heartbeat " +
                                                  short_age(wall_now() - live.heartbeat_at) + " ago); nothing was changed.") +
                                      "</p><p><a href=\"" + html_escape(page) + "\">Back</a></p>");
        return 409;
    }
    if (result == DeadLeaseRelease::released) logger().log(Level::info, "dashboard_lease_released", {}, t.job);
    (void)config;
    see_other(r, page + (result == DeadLeaseRelease::released ? "?done=released" : "?done=no-lease"));
    return 303;
}

int serve(Responder& r, const CgiRequest& req, const Config& config) {
    if (!config.boolean("dashboard", "enabled")) throw HttpError(404, "the dashboard is off ([dashboard] enabled = false)");
    const Target t = parse_target(req.path);
    if (t.page == Page::none || (t.page == Page::job && !find_job(t.job)))
        throw HttpError(404, "no such page");
    const bool post_page = t.page == Page::signout || !t.action.empty();
    const std::string method = req.method == "HEAD" ? "GET" : req.method;
    const std::string allow = t.page == Page::signin ? "GET, HEAD, POST" : post_page ? "POST" : "GET, HEAD";
    const bool allowed = method == "GET" ? t.page == Page::signin || !post_page : method == "POST" && (post_page || t.page == Page::signin);
    if (!allowed) throw HttpError(405, "method " + req.method + " not allowed here", {{"Allow", allow}});

    const std::string token = configured_token(config);  // 403: no token, no dashboard
    auto db = open_database(config, /*create=*/false);
    const int64_t now = wall_now();
    if (t.page == Page::signin) return sign_in(r, req, config, *db, token, now);

    // Who is asking: the bearer token, or a session cookie.
    const bool bearer = !req.authorization.empty();
    std::string session, secret;
    if (bearer) {
        if (!same_secret(bearer_token(req.authorization), token)) {
            r.frame.signed_in = false;
            r.page(401, "Sign in", sign_in_html(r.frame.base, "Wrong bearer token."), {{"WWW-Authenticate", "Bearer realm=\"mailjobs\", error=\"invalid_token\""}});
            return 401;
        }
    } else {
        session = cookie_value(req.cookie, kSessionCookie);
        // The secret is read (and on first use created) only for a request that carries a cookie.
        if (!session.empty()) secret = load_session_secret(config);
        if (session.empty() || !session_valid(secret, token, session, now)) {
            r.frame.signed_in = false;
            r.page(401, "Sign in", sign_in_html(r.frame.base, session.empty() ? "" : "Your session expired; sign in again."),
                   session.empty() ? Headers{} : Headers{{"Set-Cookie", set_cookie(kSessionCookie, "", r.frame.base, 0)}});
            return 401;
        }
        r.frame.session = true;
        r.frame.csrf = csrf_token(secret, session);
    }

    if (method == "POST") {
        const auto form = parse_query(req.body);
        if (!bearer && !same_secret(form_field(form, "csrf"), r.frame.csrf))
            throw HttpError(403, "missing or wrong CSRF token: reload the page and try again");
        if (t.page == Page::signout) {
            r.frame.session = false;
            see_other(r, r.frame.base + "/signin", {{"Set-Cookie", set_cookie(kSessionCookie, "", r.frame.base, 0)}});
            return 303;
        }
        if (config.boolean("dashboard", "read_only")) throw HttpError(403, "the dashboard is read-only ([dashboard] read_only = true)");
        return act(r, req, config, *db, t, now);
    }

    DashboardView v{config, *db, now, r.frame.base, r.frame.csrf, config.boolean("dashboard", "read_only")};
    switch (t.page) {
        case Page::overview: r.frame.active = "overview"; r.page(200, "Overview", overview_html(v)); break;
        case Page::runs: r.frame.active = "runs"; r.page(200, "Runs", runs_html(v)); break;
        case Page::charts: r.frame.active = "charts"; r.page(200, "Charts", charts_html(v)); break;
        case Page::accounts: r.frame.active = "accounts"; r.page(200, "Accounts", accounts_html(v)); break;
        default: r.page(200, t.job, job_html(v, t.job, flash_text(req))); break;
    }
    return 200;
}

}  // namespace

bool is_dashboard_path(const std::string& path) { return parse_target(path).page != Page::none || path.rfind("/jobs/", 0) == 0; }

int serve_dashboard(const CgiRequest& req, const Config& config, std::string& error) {
    Responder r{req, PageFrame{}, req.method == "HEAD"};
    r.frame.base = req.script_name;
    auto fail = [&](int status, const std::string& message, Headers headers = {}) {
        r.frame.active.clear();
        r.page(status, "Error " + std::to_string(status), "<h1>" + std::to_string(status) + " " + status_text(status) + "</h1><p>" +
                                                              html_escape(message) + "</p><p><a href=\"" + html_escape(r.frame.base + "/") +
                                                              "\">Overview</a></p>", headers);
        return status;
    };
    try {
        return serve(r, req, config);
    } catch (const HttpError& e) {
        if (e.status >= 500) error = e.what();
        return fail(e.status, e.what(), e.headers);
    } catch (const DbError& e) {
        const int status = e.failure == DbFailure::busy ? 503 : 500;
        error = std::string("database: ") + e.what();
        return fail(status, status == 503 ? "the database is busy; try again in a few seconds" : "database error (see the mailjobs log)",
                    status == 503 ? Headers{{"Retry-After", "5"}} : Headers{});
    } catch (const Error& e) {
        error = e.what();
        return fail(e.code == kExitDatabase ? 503 : 500, e.code == kExitDatabase ? "the database is unusable (see the mailjobs log)" : "internal error (see the mailjobs log)");
    } catch (const std::exception& e) {
        error = e.what();
        return fail(500, "internal error (see the mailjobs log)");
    }
}

}  // namespace mj
