// The HTML dashboard (issue 16; README "Dashboard"), answered by the same CGI entry as the JSON
// API, at the script's own URL:
//
//   GET  /                       overview: health banner, every job, queues, latest runs
//   GET  /runs  /charts  /accounts
//   GET  /jobs/NAME              one job: state, actions, duration chart, history, attempts
//   POST /jobs/NAME/due          make the job due now (the next tick runs it), then 303 to its page
//   POST /jobs/NAME/release      release its lease if the holder is dead or expired (409 if live)
//   GET  /signin, POST /signin   the form taking the [api] token; success sets the session cookie
//   POST /signout                clears the cookie
//
// Who may look: a request with the bearer token (scripts, monitors), or a browser with a valid
// session cookie (api/dashboard_session.h); anyone else gets the sign-in form with 401. Actions
// need, with a cookie, the session's CSRF token as the form field "csrf" (403 without); they are
// refused (403) when [dashboard] read_only is set. Failed sign-ins count against [dashboard]
// sign_in_limit per 15 minutes (429 with Retry-After past it, even for the right token).
// Every answer is HTML (errors too) with a strict Content-Security-Policy (api/dashboard_html.h),
// no-store, nosniff, frame-ancestors 'none', no-referrer; no token or secret ever appears in a
// URL, a page or a log line.
#pragma once
#include <string>

#include "api/cgi_io.h"
#include "core/config.h"

namespace mj {

// Whether `path` (PATH_INFO without its trailing slash) is one of the dashboard's.
bool is_dashboard_path(const std::string& path);

// Serves the request; returns the status sent. `error` gets a server-side failure's reason.
int serve_dashboard(const CgiRequest& req, const Config& config, std::string& error);

}  // namespace mj
