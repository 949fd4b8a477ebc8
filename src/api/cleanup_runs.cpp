#include "api/cleanup_runs.h"

#include <algorithm>
#include <map>

#include "core/lease.h"
#include "core/log.h"
#include "core/runner.h"

namespace mj {
namespace {

nlohmann::json time_or_null(const Column& c) {
    return c.is_null() ? nlohmann::json(nullptr) : nlohmann::json(iso_time(c.as_int64()));
}

nlohmann::json holder_json(const std::string& job, const LeaseHolder& h) {
    return {{"job", job},
            {"runId", h.run_id ? nlohmann::json(h.run_id) : nlohmann::json(nullptr)},
            {"owner", h.owner},
            {"startedAt", iso_time(h.acquired_at)},
            {"heartbeatAt", iso_time(h.heartbeat_at)}};
}

const char* const kRunColumns =
    "SELECT id, job, trigger, started_at, finished_at, outcome, exit_reason, dry_run, examined, changed, "
    "counts, error, duration_ms, max_txn_ms FROM job_runs";

nlohmann::json runs_json(Statement& q);

}  // namespace

nlohmann::json recent_runs(Db& db, const std::vector<std::string>& jobs, int64_t limit, bool finished_only) {
    nlohmann::json out = nlohmann::json::array();
    if (jobs.empty() || limit <= 0) return out;
    std::string marks;
    for (size_t i = 0; i < jobs.size(); ++i) marks += i ? ",?" : "?";
    Statement q(db, std::string(kRunColumns) + " WHERE job IN (" + marks + ")" +
                        (finished_only ? " AND outcome <> 'running'" : "") + " ORDER BY id DESC LIMIT ?");
    int n = 1;
    for (const auto& j : jobs) q.bind(n++, j);
    q.bind(n, limit);
    return runs_json(q);
}

nlohmann::json recent_runs_of_every_job(Db& db, int64_t limit) {
    // No job filter: a walk down the primary key that stops after `limit` rows (a job IN (...)
    // filter over every job would read each job's runs through job_runs_job_id and sort them).
    Statement q(db, std::string(kRunColumns) + " ORDER BY id DESC LIMIT ?");
    q.bind(1, limit);
    return runs_json(q);
}

namespace {

nlohmann::json runs_json(Statement& q) {
    nlohmann::json out = nlohmann::json::array();
    while (q.step()) {
        std::string outcome = q.column(5).as_text();
        auto counts = nlohmann::json::parse(q.column(10).as_text(), nullptr, false);
        nlohmann::json note = q.column(11).is_null() ? nlohmann::json(nullptr) : nlohmann::json(q.column(11).as_text());
        out.push_back({{"runId", q.column(0).as_int64()},
                       {"job", q.column(1).as_text()},
                       {"trigger", q.column(2).as_text()},
                       {"startedAt", time_or_null(q.column(3))},
                       {"finishedAt", time_or_null(q.column(4))},
                       {"outcome", outcome},
                       {"exitReason", q.column(6).is_null() ? nlohmann::json(nullptr) : nlohmann::json(q.column(6).as_text())},
                       {"dryRun", q.column(7).as_int() != 0},
                       {"examined", q.column(8).as_int64()},
                       {"changed", q.column(9).as_int64()},
                       {"deleted", counts.is_object() ? counts : nlohmann::json::object()},
                       {"durationMs", q.column(12).is_null() ? nlohmann::json(nullptr) : nlohmann::json(q.column(12).as_int64())},
                       {"maxTxnMs", q.column(13).is_null() ? nlohmann::json(nullptr) : nlohmann::json(q.column(13).as_int64())},
                       // The runner keeps a skipped run's reason in the error column.
                       {"reason", outcome == "skipped" ? note : nlohmann::json(nullptr)},
                       {"error", outcome == "skipped" ? nlohmann::json(nullptr) : note}});
    }
    return out;
}

}  // namespace

nlohmann::json running_and_conflicting(Db& db, const std::vector<const JobDef*>& cleanup) {
    nlohmann::json running = nlohmann::json::array(), conflicting = nlohmann::json::array();
    std::vector<std::string> cleanup_names;
    for (const JobDef* j : cleanup) cleanup_names.push_back(j->name);
    // Conflicting job -> the cleanup jobs it keeps from running (seed 003's "scraping").
    std::map<std::string, std::vector<std::string>> blocks;
    for (const JobDef* j : cleanup) {
        if (auto h = Lease::live_holder(db, j->name)) running.push_back(holder_json(j->name, *h));
        for (const auto& c : conflicts_of(*j))
            if (std::find(cleanup_names.begin(), cleanup_names.end(), c) == cleanup_names.end()) blocks[c].push_back(j->name);
    }
    for (const auto& [job, blocked] : blocks) {
        auto h = Lease::live_holder(db, job);
        if (!h) continue;
        nlohmann::json row = holder_json(job, *h);
        row["blocks"] = blocked;
        conflicting.push_back(row);
    }
    return {{"isCleanupRunning", !running.empty()},
            {"runningJobs", running},
            {"isConflictingJobRunning", !conflicting.empty()},
            {"conflictingJobsRunning", conflicting}};
}

}  // namespace mj
