// The dashboard's pages as HTML bodies (api/dashboard_html.h wraps them in the layout). Each page
// reads through the functions `mailjobs status`, `history` and the cleanup API already use
// (collect_status, recent_runs, recent_attempts, tick_health) plus api/dashboard_data.h.
//
//   overview   health banner (cron alive, failing jobs, consecutive failures, alerts), every job
//              (state, last run, outcome, duration, next due, enabled), the queues
//   runs       the newest runs of every job with outcome, exit reason and counts
//   charts     run durations per job, rows purged, mail and webhooks sent and failed per day, queue depth
//   accounts   exports, account deletions, domain checks
//   job        one job: its state, the actions, its duration chart, history and (delivery jobs) attempts
#pragma once
#include <cstdint>
#include <string>

#include "core/config.h"
#include "core/db.h"

namespace mj {

struct DashboardView {
    const Config& config;
    Db& db;
    int64_t now;
    std::string base;    // SCRIPT_NAME
    std::string csrf;    // the session's CSRF token ("" when signed in with the bearer token)
    bool read_only;      // [dashboard] read_only: the action buttons are disabled
};

std::string overview_html(const DashboardView& v);
std::string runs_html(const DashboardView& v);
std::string charts_html(const DashboardView& v);
std::string accounts_html(const DashboardView& v);
// `job` is a registered job's name; `flash` a fixed message after an action ("" = none).
std::string job_html(const DashboardView& v, const std::string& job, const std::string& flash);

// The sign-in form; `message` (plain text) above it when not empty.
std::string sign_in_html(const std::string& base, const std::string& message);

}  // namespace mj
