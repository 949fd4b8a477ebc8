// The CGI API: a web server runs the binary with GATEWAY_INTERFACE set; the path after the script
// (PATH_INFO) picks the endpoint. Set-up for cPanel: share/cpanel/README.md "The web API (CGI)".
//
//   GET  /status                 the same JSON as `mailjobs status --json`
//   GET  /cleanup/stats          ?bytes=false skips sizes
//   GET  /cleanup/preview        ?olderThan=30d&job=NAME
//   GET  /cleanup/history        ?limit=N (1-1000, default 10)
//   GET  /cleanup/status
//   POST /cleanup/execute        {"olderThan":"30d","job":"NAME","dryRun":false}
//   GET  /exports/<token>        an account export's download link: no bearer token, the link is
//                                the credential (api/export_download.h)
//   GET  /, /runs, /charts, /accounts, /jobs/NAME, /signin ...
//                                the HTML dashboard for a person (api/dashboard.h): its own
//                                sign-in (session cookie) besides the bearer token, HTML answers
// (an "/api" prefix, as in seed 003's /api/cleanup/..., is accepted too). HEAD works wherever GET
// does (same status and headers, Content-Length included, no body: monitors probe with HEAD);
// OPTIONS answers 204 with Allow listing the path's methods. Every request needs the token.
//
// Status codes: 200; 204 OPTIONS; 400 bad parameter or JSON (also a key given twice); 401
// missing/wrong token; 403 API off (no token configured); 404 unknown path; 405 wrong method
// (Allow: the path's methods); 409 execute skipped a job because its
// lease is held or a conflicting job runs; 413 body too large; 500 a job failed or an internal
// error; 503 database unusable, missing (the CGI never creates one) or busy. Every answer but 204
// is JSON: {"error": "..."} on failure.
//
// Security: the token comes from [api] token_file or token (off when neither is set), is compared
// in constant time, and is never logged: the request log holds method, path, status and time
// only (no header, no query string, no body).
#include "api/cgi.h"

#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <fstream>

#include "api/api_token.h"
#include "api/cgi_io.h"
#include "api/dashboard.h"  // issue 16: the HTML dashboard at the script's own URL
#include "api/cleanup_api.h"
#include "api/export_download.h"
#include "api/table_stats.h"
#include "core/db_error.h"
#include "core/error.h"
#include "core/log.h"
#include "core/startup.h"
#include "core/status.h"

namespace mj {
namespace {

struct Call {
    const Config& config;
    Db& db;
    const CgiRequest& req;
    int status = 200;
};

using Handler = nlohmann::json (*)(Call&);

struct Route {
    const char* path;
    const char* method;
    std::vector<const char*> params;  // allowed query parameters
    Handler fn;
};

int64_t clock_now() { return static_cast<int64_t>(std::time(nullptr)); }

// An unknown query parameter is a 400, not silently ignored: "olderthan=1d" must not preview 90d.
void check_params(const CgiRequest& req, const std::vector<const char*>& allowed) {
    for (const auto& [name, value] : req.query) {
        bool ok = false;
        for (const char* a : allowed) ok |= name == a;
        if (ok) continue;
        std::vector<std::string> names(allowed.begin(), allowed.end());
        std::string hint = did_you_mean(name, names);
        throw HttpError(400, "unknown query parameter '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
}

std::string param(const CgiRequest& req, const char* name) {
    auto it = req.query.find(name);
    return it == req.query.end() ? "" : it->second;
}

nlohmann::json get_status(Call& c) { return collect_status(c.db, c.config, clock_now()); }

nlohmann::json get_stats(Call& c) {
    std::string bytes = param(c.req, "bytes");
    if (!bytes.empty() && bytes != "true" && bytes != "false" && bytes != "1" && bytes != "0")
        throw HttpError(400, "bytes must be true or false, got '" + bytes + "'");
    return table_stats(c.db, bytes != "false" && bytes != "0");
}

nlohmann::json get_preview(Call& c) {
    CleanupRequest r;
    r.job = param(c.req, "job");
    if (c.req.query.count("olderThan")) r.older_than = parse_age(param(c.req, "olderThan"), "olderThan");
    r.now = clock_now();
    return cleanup_preview(c.db, c.config, r);
}

nlohmann::json get_history(Call& c) {
    std::string text = param(c.req, "limit");
    int64_t limit = 10;
    if (!text.empty()) {
        if (text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos || std::stoll(text) < 1 ||
            std::stoll(text) > 1000)
            throw HttpError(400, "limit must be a whole number from 1 to 1000, got '" + text + "'");
        limit = std::stoll(text);
    }
    return cleanup_history(c.db, limit);
}

nlohmann::json get_cleanup_status(Call& c) { return cleanup_status(c.db); }

nlohmann::json post_execute(Call& c) {
    nlohmann::json body = nlohmann::json::object();
    if (!c.req.body.empty()) {
        body = parse_json_body(c.req.body);  // 400 for bad JSON and for a key given twice
    }
    if (!body.is_object()) throw HttpError(400, "the body must be a JSON object like {\"job\":\"...\",\"olderThan\":\"30d\",\"dryRun\":false}");
    CleanupRequest r;
    DryRun dry = DryRun::no;
    for (auto it = body.begin(); it != body.end(); ++it) {
        const std::string& k = it.key();
        if (k == "job" && it->is_string()) r.job = it->get<std::string>();
        else if (k == "olderThan" && it->is_string()) r.older_than = parse_age(it->get<std::string>(), "olderThan");
        else if (k == "dryRun" && it->is_boolean()) dry = it->get<bool>() ? DryRun::yes : DryRun::no;
        else if (k == "job" || k == "olderThan")
            throw HttpError(400, k + " must be a string" + (k == "olderThan" ? " such as \"30d\"" : ""));
        else if (k == "dryRun") throw HttpError(400, "dryRun must be true or false");
        else throw HttpError(400, "unknown field '" + k + "' (expected job, olderThan, dryRun)");
    }
    r.now = clock_now();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(c.config.duration("api", "time_budget"));
    auto ex = cleanup_execute(c.db, c.config, r, Trigger::api, dry, deadline);
    bool failed = false, blocked = false;
    for (const auto& run : ex.runs) {
        failed |= run.outcome == Outcome::failed;
        blocked |= run.exit_reason == "lock held" || run.exit_reason == "conflict";
    }
    c.status = failed ? 500 : blocked ? 409 : 200;
    return ex.json;
}

const std::vector<Route>& routes() {
    static const std::vector<Route> table = {
        {"/status", "GET", {}, get_status},
        {"/cleanup/stats", "GET", {"bytes"}, get_stats},
        {"/cleanup/preview", "GET", {"olderThan", "job"}, get_preview},
        {"/cleanup/history", "GET", {"limit"}, get_history},
        {"/cleanup/status", "GET", {}, get_cleanup_status},
        {"/cleanup/execute", "POST", {}, post_execute},
    };
    return table;
}

nlohmann::json endpoints() {
    nlohmann::json e = nlohmann::json::array();
    for (const auto& r : routes()) e.push_back(std::string(r.method) + " " + r.path);
    return e;
}

// MAILJOBS_CONFIG (SetEnv in .htaccess, setenv in lighttpd) is read by the config loader itself;
// without it, jobs.ini next to the script, then ./jobs.ini.
Config load_cgi_config() {
    StartupOptions options;
    const char* env = std::getenv("MAILJOBS_CONFIG");
    const char* script = std::getenv("SCRIPT_FILENAME");
    if (!(env && *env) && script && *script) {
        std::string s = script;
        auto slash = s.rfind('/');
        std::string candidate = (slash == std::string::npos ? std::string() : s.substr(0, slash + 1)) + "jobs.ini";
        struct stat st {};
        if (stat(candidate.c_str(), &st) == 0) options.config_file = candidate;
    }
    return load_config(options);
}

void authenticate(const Config& config, const CgiRequest& req) {
    std::string expected = configured_token(config);
    std::string given = bearer_token(req.authorization);
    if (given.empty())
        throw HttpError(401, "missing bearer token (send Authorization: Bearer TOKEN)", {{"WWW-Authenticate", "Bearer realm=\"mailjobs\""}});
    if (!same_secret(given, expected))
        throw HttpError(401, "wrong bearer token", {{"WWW-Authenticate", "Bearer realm=\"mailjobs\", error=\"invalid_token\""}});
}

std::string strip_api_prefix(const std::string& path) {
    if (path.rfind("/api/", 0) == 0) return path.substr(4);
    return path;
}

// The methods a path answers, for Allow: its routes' methods, HEAD wherever GET is, and OPTIONS.
// "" for an unknown path.
std::string allowed_methods(const std::string& path) {
    std::string out;
    for (const auto& r : routes()) {
        if (path != r.path) continue;
        out += (out.empty() ? "" : ", ") + std::string(r.method) + (std::string(r.method) == "GET" ? ", HEAD" : "");
    }
    return out.empty() ? out : out + ", OPTIONS";
}

[[noreturn]] void unknown_path(const CgiRequest& req) {
    throw HttpError(404, "unknown path '" + (req.path.empty() ? std::string("/") : req.path) + "'");
}

// HEAD is GET without the body (monitors probe with it): the same handler, status and headers.
const Route& find_route(const CgiRequest& req) {
    std::string path = strip_api_prefix(req.path);
    std::string method = req.method == "HEAD" ? "GET" : req.method;
    for (const auto& r : routes())
        if (path == r.path && method == r.method) return r;
    std::string allow = allowed_methods(path);
    if (allow.empty()) unknown_path(req);
    throw HttpError(405, "method " + req.method + " not allowed on " + path + " (use " + allow + ")", {{"Allow", allow}});
}

// A busy database (the application or a job holds the lock) is temporary: 503, try again.
int status_for_database(const DbError& e) { return e.failure == DbFailure::busy ? 503 : 500; }

// An authenticated API request: OPTIONS (204 with the path's methods) or a route.
template <class WriteJson>
void serve_api(const Config& config, const CgiRequest& req, int& status, WriteJson& write_json_response) {
    if (req.method == "OPTIONS") {
        std::string allow = allowed_methods(strip_api_prefix(req.path));
        if (allow.empty()) unknown_path(req);
        status = 204;
        write_no_content_response({{"Allow", allow}});
        return;
    }
    const Route& route = find_route(req);
    check_params(req, route.params);
    auto db = open_database(config, /*create=*/false);  // the CGI never creates a database (503)
    Call call{config, *db, req};
    nlohmann::json body = route.fn(call);
    status = call.status;
    write_json_response(status, body);
}

}  // namespace

int cgi_main() {
    auto t0 = std::chrono::steady_clock::now();
    int status = 500;
    bool configured = false;  // before this, an Error is the server's configuration, not the request
    const char* request_method = std::getenv("REQUEST_METHOD");
    std::string method = request_method ? request_method : "", path, error;
    // A HEAD request gets every answer, errors included, without its body.
    auto write_json_response = [&](int code, const nlohmann::json& body, const Headers& headers = {}) {
        mj::write_json_response(code, body, headers, method != "HEAD");
    };
    try {
        CgiRequest req = read_cgi_request();
        const bool download = is_export_download(strip_api_prefix(req.path));
        path = download ? "/exports/\u2026" : req.path;  // a download link's token never reaches the log
        Config config = load_cgi_config();
        configured = true;
        if (download) {
            status = serve_export_download(req, config, error);  // the link is its own credential
        } else if (is_dashboard_path(req.path)) {
            status = serve_dashboard(req, config, error);  // HTML for a person; its own sign-in (api/dashboard.h)
        } else {
            authenticate(config, req);
            serve_api(config, req, status, write_json_response);
        }
    } catch (const HttpError& e) {
        status = e.status;
        error = e.what();
        nlohmann::json body = {{"error", error}};
        if (status == 404) body["endpoints"] = endpoints();
        write_json_response(status, body, e.headers);
    } catch (const Error& e) {
        // A usage error after the configuration loaded is a bad parameter (400); a configuration
        // problem (listed on stderr, the web server's error log) or an unusable database is ours.
        status = !configured ? 500 : e.code == kExitUsage ? 400 : e.code == kExitDatabase ? 503 : 500;
        error = e.what();
        write_json_response(status, {{"error", !configured ? "server configuration problem (see the web server's error log): " + error : error}});
    } catch (const DbError& e) {
        status = status_for_database(e);
        error = std::string("database: ") + e.what();
        write_json_response(status, {{"error", error}}, status == 503 ? Headers{{"Retry-After", "5"}} : Headers{});
    } catch (const std::exception& e) {
        status = 500;
        error = e.what();
        write_json_response(status, {{"error", error}});
    }
    int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json fields = {{"method", method}, {"path", path}, {"status", status}, {"ms", ms}};
    // Server-side failures carry their message; client errors do not (a bad body could echo a secret).
    if (status >= 500) fields["error"] = error;
    logger().log(status >= 500 ? Level::error : status >= 400 ? Level::warn : Level::info, "api_request", fields);
    return 0;
}

}  // namespace mj
