// The one job registry (like ninja's Tool table): name, summary, default schedule, priority,
// conflicts, function. Adding a job = one entry in registry.cpp + one function.
#pragma once

namespace mj {

// Fills the job catalogue (core/job_catalogue.h) with every job, in the registry's order. Called
// once at start-up, before anything looks a job up; calling it again replaces the table.
void register_jobs();

}  // namespace mj
