// The one job registry (like ninja's Tool table): name, summary, default schedule, priority,
// conflicts, function. Adding a job = one entry in registry.cpp + one function.
#pragma once
#include <string>
#include <vector>

#include "jobs/job.h"

namespace mj {

const std::vector<JobDef>& job_registry();
const JobDef* find_job(const std::string& name);
std::vector<JobDefaults> job_defaults();  // for Config::load

}  // namespace mj
