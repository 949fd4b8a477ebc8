#include "core/job_catalogue.h"

#include <stdexcept>
#include <utility>

namespace mj {
namespace {

// Filled once at start-up (set_job_catalogue), before any command or CGI request looks a job up;
// pointers into it (find_job, DueJob::job) stay valid for the rest of the process.
std::vector<JobDef>& catalogue() {
    static std::vector<JobDef> jobs;
    return jobs;
}

bool& registered() {
    static bool done = false;
    return done;
}

}  // namespace

void set_job_catalogue(std::vector<JobDef> jobs) {
    catalogue() = std::move(jobs);
    registered() = true;
}

const std::vector<JobDef>& job_registry() {
    if (!registered()) throw std::logic_error("the job catalogue is empty: register_jobs() was not called at start-up");
    return catalogue();
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
