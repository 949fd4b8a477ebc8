// retention-policies: runs every enabled [retention.NAME] policy of jobs.ini through the retention
// engine, in name order (retention/operator_policies.h describes the keys and their checks).
// Counts per table in history. --older-than overrides every policy's older_than for this run.
// Idempotent (BJ-27): a second run selects nothing. With no policy it does nothing.
#pragma once
#include "core/job.h"

namespace mj {
Outcome retention_policies(JobContext& ctx);
}  // namespace mj
