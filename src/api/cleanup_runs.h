// Reading what cleanup jobs did and do: job_runs rows (history, last run) and live leases
// (running jobs, and the conflicting jobs that make a cleanup job skip). Read only.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/db.h"
#include "core/job.h"

namespace mj {

// The newest `limit` job_runs rows of `jobs`, newest first, as camelCase objects:
// {"runId","job","trigger","startedAt","finishedAt","outcome","exitReason","dryRun","examined",
//  "changed","deleted":{counter:n},"durationMs","maxTxnMs","reason","error"}.
// "reason" says why a skipped run was skipped; "error" why a failed one failed (else null).
nlohmann::json recent_runs(Db& db, const std::vector<std::string>& jobs, int64_t limit, bool finished_only = false);
// The same for every job (the dashboard's recent runs): the newest `limit` rows of job_runs.
nlohmann::json recent_runs_of_every_job(Db& db, int64_t limit);

// {"isCleanupRunning","runningJobs":[{"job","runId","owner","startedAt","heartbeatAt"}],
//  "isConflictingJobRunning","conflictingJobsRunning":[{"job","blocks":[...],"runId","owner","startedAt","heartbeatAt"}]}
nlohmann::json running_and_conflicting(Db& db, const std::vector<const JobDef*>& cleanup);

}  // namespace mj
