// Runs one job under the contract: lease, conflicts, history row, budget, job_state.
//
// Per run: (1) one short transaction takes the lease, checks conflicting jobs and inserts the
// job_runs row; (2) the job works in its own short batches; (3) one short transaction records the
// outcome in job_runs and job_state and releases the lease. A job that throws is recorded as failed
// with its message; the process carries on with the next job.
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "core/config.h"
#include "core/db.h"
#include "core/job.h"
#include "core/schedule.h"

namespace mj {

struct RunOptions {
    Trigger trigger = Trigger::manual;
    DryRun dry_run = DryRun::no;
    int64_t now = 0;                                  // job clock
    std::chrono::steady_clock::time_point deadline;   // end of the time budget
    std::optional<int64_t> older_than;                // --older-than
    std::optional<std::string> domain;                // --domain (dns-recheck)
    bool update_schedule = false;                     // tick/worker: store the next due time
    int64_t due_at = 0;                               // tick/worker: the stored due time this run serves (0 = none)
    bool turn_again = false;  // a second or follow-up turn of a tick (core/due.h): the due time its own first turn served
};

struct RunResult {
    int64_t run_id = 0;
    Outcome outcome = Outcome::failed;
    std::string exit_reason;   // done, budget reached, signal, lock held, conflict, error
    std::string error;
    Counts counts;
    nlohmann::json result;
    int64_t duration_ms = 0;
};

RunResult run_job(Db& db, const Config& config, const JobDef& job, const RunOptions& options);

// A due job the tick's budget left no turn (the share rule, core/due.h): one short transaction
// writes its job_runs row (outcome skipped, exit reason "budget reached") and job_state's last
// run, and leaves next_due_at alone, so the job stays due and goes first on the next tick.
RunResult record_left_out(Db& db, const JobDef& job, const RunOptions& options);

// Jobs that must not run beside `job`: its own list plus every job that names it (symmetric).
// run_job skips `job` while one of them holds a live lease; `cleanup status` reports them.
std::vector<std::string> conflicts_of(const JobDef& job);

// The job's schedule from config (validated at load); nullopt for schedule = off.
std::optional<Schedule> job_schedule(const Config& config, const JobDef& job);

// The next due time of `job` after a run at `now` that served stored due time `due` (0 = none):
// Schedule::next_due with the timezone from [general]. Returns INT64_MAX for schedule = off.
int64_t next_due(const Config& config, const JobDef& job, int64_t due, int64_t now);

// Exit code for a set of runs: failed > interrupted > lock/conflict (only if `locks_matter`) > ok.
int exit_code_for(const std::vector<RunResult>& runs, bool locks_matter);

}  // namespace mj
