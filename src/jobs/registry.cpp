// The job registry: the one table of jobs (like ninja's Tool table). `mailjobs list` prints it.
// Priority: higher runs first in a tick (BJ-28): deliveries and retries, then notices, then
// expiries that users see, then log purges, then housekeeping.
#include "jobs/registry.h"

#include "jobs/auth_jobs.h"

namespace mj {

const std::vector<JobDef>& job_registry() {
    static const std::vector<JobDef> jobs = {
        // name, summary, default schedule, priority, conflicts, function
        {"session-cleanup", "purge sessions past their absolute or idle timeout (BJ-19)", "@daily", 20, {}, session_cleanup},
        {"magic-link-expiry", "purge expired magic-link tokens (BJ-13)", "@daily", 20, {}, magic_link_expiry},
        // --- retention jobs A (issue 4) ---
        // --- retention jobs B (issue 4) ---
        // --- delivery jobs (issue 5) ---
        // --- monitoring jobs (issue 5) ---
    };
    return jobs;
}

const JobDef* find_job(const std::string& name) {
    for (const auto& j : job_registry())
        if (name == j.name) return &j;
    return nullptr;
}

std::vector<JobDefaults> job_defaults() {
    std::vector<JobDefaults> out;
    for (const auto& j : job_registry()) out.push_back({j.name, j.schedule});
    return out;
}

}  // namespace mj
