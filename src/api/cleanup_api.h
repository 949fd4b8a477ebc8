// The cleanup API (seed 003): stats, preview, execute, history and status over every job of
// group "cleanup" in the registry, so it grows with the registry. One implementation for both
// faces: `mailjobs cleanup ...` (cli/cleanup.cpp) and the CGI API (api/cgi.cpp).
//
// Answers are JSON with camelCase keys as seed 003's frontend expects; times are ISO-8601 UTC
// strings ("2026-11-18T09:46:40Z"), null when there is none. Bad parameters throw
// Error(kExitUsage) with a one-line message (the CGI answers 400 with it).
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/db.h"
#include "core/job.h"
#include "core/runner.h"

namespace mj {

struct CleanupRequest {
    std::string job;                    // "" = every cleanup job
    std::optional<int64_t> older_than;  // overrides the jobs' retention age (seconds)
    int64_t now = 0;                    // the jobs' clock (unix seconds)
};

// The cleanup jobs `job` names ("" = all, highest priority first). A name that is not a job, or a
// job of another group, is Error(kExitUsage) with a did-you-mean.
std::vector<const JobDef*> cleanup_jobs(const std::string& job);

// "30d" -> seconds; anything else is Error(kExitUsage) naming `what` ("olderThan", "--older-than").
int64_t parse_age(const std::string& text, const std::string& what);

// What each cleanup job would change now, with its cutoffs: every job's own function runs in
// dry-run (the retention engine only counts), without a lease and without a history row.
// Each job is counted against the data as it is now: where two jobs reach the same rows
// (message-log-cleanup takes header snapshots with it, header-snapshot-cleanup purges them by
// age) both count them, and rows a real run adds or takes along (audit rows, notices,
// dependents) are not in a dry-run count. wouldDelete holds the jobs' counters: rows deleted,
// and for the jobs that do something else, rows deactivated, soft-deleted or warned.
// {"now","olderThan","jobs":[{"job","enabled","cutoff","cutoffs":[{"table","column","before"}],
//   "wouldDelete":{counter:n},"total"[, "error"]}], "total"}
nlohmann::json cleanup_preview(Db& db, const Config& config, const CleanupRequest& request);

struct CleanupExecution {
    nlohmann::json json;           // {"dryRun","trigger","success","jobs":[...],"totalDeleted","notStarted":[...]}
    std::vector<RunResult> runs;   // for the exit code / HTTP status
};

// Runs the cleanup jobs now through run_job (lease, conflicts, history row with `trigger`). With
// no job named, jobs disabled in jobs.ini are left out (listed under "disabled"); jobs not started
// before `deadline` are listed under "notStarted". A job whose lease another process holds, or
// whose conflicting job runs, comes back "skipped" with the reason; the others still run.
// An age override needs a named job (one age for audit logs and sessions alike is never meant).
CleanupExecution cleanup_execute(Db& db, const Config& config, const CleanupRequest& request, Trigger trigger,
                                 DryRun dry_run, std::chrono::steady_clock::time_point deadline);

// The newest `limit` runs of cleanup jobs from job_runs: {"runs":[{"runId","job","trigger",...}]}.
nlohmann::json cleanup_history(Db& db, int64_t limit);

// {"isCleanupRunning","runningJobs":[...],"isConflictingJobRunning","conflictingJobsRunning":[...],
//  "lastRun":{...}|null,"cleanupJobs":[names]} (seed 003's isScrapingActive = our conflicting jobs).
nlohmann::json cleanup_status(Db& db);

}  // namespace mj
