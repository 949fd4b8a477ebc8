#include "core/due.h"

#include <algorithm>
#include <climits>
#include <map>

#include "core/log.h"
#include "jobs/registry.h"

namespace mj {

std::vector<DueJob> load_due_state(Db& db, const Config& config) {
    std::map<std::string, int64_t> stored;
    SQLite::Statement q(db.sql(), "SELECT job, coalesce(next_due_at, 0) FROM job_state");
    while (q.executeStep()) stored[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
    std::vector<DueJob> out;
    for (const auto& j : job_registry()) {
        std::string section = std::string("job.") + j.name;
        if (!config.boolean(section, "enabled") || config.str(section, "schedule") == "off") continue;
        auto it = stored.find(j.name);
        out.push_back({&j, it == stored.end() ? 0 : it->second});
    }
    std::stable_sort(out.begin(), out.end(), [](const DueJob& a, const DueJob& b) { return a.job->priority > b.job->priority; });
    return out;
}

std::vector<RunResult> run_due_jobs(Db& db, const Config& config, Trigger trigger, int64_t now,
                                    std::chrono::steady_clock::time_point deadline) {
    std::vector<RunResult> results;
    for (const auto& d : load_due_state(db, config)) {
        if (d.next_due_at > now) continue;
        if (g_stop_signal.load()) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            logger().log(Level::info, "budget_spent", {{"not_started", d.job->name}});
            break;
        }
        RunOptions o;
        o.trigger = trigger;
        o.now = now;
        o.deadline = deadline;
        o.update_schedule = true;
        results.push_back(run_job(db, config, *d.job, o));
    }
    return results;
}

int64_t earliest_due(Db& db, const Config& config) {
    int64_t best = INT64_MAX;
    for (const auto& d : load_due_state(db, config)) best = std::min(best, d.next_due_at);
    return best;
}

}  // namespace mj
