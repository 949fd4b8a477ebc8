// The job catalogue: the one table of jobs (JobDef, core/job.h) that the runner, the tick, status
// and the commands look jobs up in. Its shape lives here, in core/, so that core/ needs nothing of
// jobs/; jobs/registry.cpp fills it with an explicit call at start-up (register_jobs(), made by
// main.cpp and by the unit tests' main), not from a static initialiser, so the order is plain.
#pragma once
#include <string>
#include <vector>

#include "core/config.h"
#include "core/job.h"

namespace mj {

// Replaces the catalogue (start-up, once). The order given is the order `list` and status print.
void set_job_catalogue(std::vector<JobDef> jobs);

// Every job, in catalogue order. Throws std::logic_error if nothing was registered: a start-up
// that forgot register_jobs() must fail at once, not run a tick with no jobs.
const std::vector<JobDef>& job_registry();
// The job named `name`, or nullptr.
const JobDef* find_job(const std::string& name);
// Each job's name and default schedule, for Config::load.
std::vector<JobDefaults> job_defaults();

}  // namespace mj
