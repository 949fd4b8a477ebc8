// What the dashboard's charts and account tables read. Every read is one range of an index (the
// last 14 days of job_runs_started_at, job_attempts_created_at, queue_samples_sampled_at) or the
// newest rows of a primary key, never a scan of a data table: bench/dashboard.bench.sh measures
// the pages on a large database.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/dashboard_charts.h"
#include "core/db.h"

namespace mj {

constexpr int kChartDays = 14;

// "11-19" .. "12-02": the UTC days of the charts, oldest first, today last.
std::vector<std::string> chart_day_labels(int64_t now);

struct RunDays {
    std::map<std::string, std::vector<double>> longest_ms;  // job -> longest run per day
    std::vector<double> purged;                             // rows changed per day by cleanup jobs (not dry runs)
};
// From job_runs started in the last kChartDays days (only `job`'s when not empty).
RunDays run_days(Db& db, int64_t now, const std::string& job = "");

struct SendDays {
    std::vector<double> mail_sent, mail_failed, webhooks_sent, webhooks_failed;  // attempts per day
};
// From job_attempts of the last kChartDays days: forward-retry and notification-delivery are
// mail, webhook-retry webhooks; an attempt with an error counts as failed.
SendDays send_days(Db& db, int64_t now);

// Pending per queue from queue_samples of the last kChartDays days, the largest sample of each
// of 84 slots (4 hours each).
Chart queue_depth_chart(Db& db, int64_t now);

// The newest rows (primary key order) of exports, account_deletions and dns_checks (with the
// domain's name): {"exports":[...], "deletions":[...], "dns_checks":[...]}.
nlohmann::json account_tables(Db& db, int limit);

}  // namespace mj
