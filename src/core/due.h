// Running every due job once, most important first, inside one time budget: the body of
// `mailjobs tick` and of each pass of `mailjobs worker`.
//
// Reading what is due costs one indexed read of job_state (a row per job, each joined to its last
// job_runs row by primary key), never a scan of a data table: a tick with nothing due finishes in
// a few milliseconds on any database size.
//
// The share rule (issue 12.5, README "Time budget"): every due job gets a turn in each tick.
//   1. Order: jobs whose last run was cut short by the budget or left out by it ("budget reached")
//      go first, the one whose last run had the least time first; then the others, higher
//      priority first.
//   2. Each job's deadline is its share of what is left: (tick deadline - now) / (number of due
//      jobs still waiting: those that have not had their turn yet, itself included, plus those
//      cut short and waiting for a second turn). A job that needs less leaves the rest to the
//      jobs after it.
//   3. Jobs stopped by their share (outcome more) get a second turn, in the same order, each with
//      all the budget still left (a job that only starts a send whose timeout fits needs a whole
//      slice); a job the second turns leave no time ends "budget reached" and goes first next tick.
//   4. A job that gets no turn at all (the budget was spent, e.g. by a batch that overran its
//      share) is recorded as skipped with exit reason "budget reached" and stays due, so rule 1
//      puts it first on the next tick.
//   5. Follow-up (issue 14): a job with a follow-up probe (JobDef::follow_up: notification-delivery)
//      whose last turn in this tick ended done gets one more turn after the last job, with all the
//      budget still left, when its probe finds rows it could take now. Such rows were queued after
//      its turn (a done run leaves nothing claimable at the tick's clock): the overflow-hold
//      warnings, destination removal notices and account-deletion notices of the lower-priority
//      jobs, which would otherwise wait for the next tick. Never when the probe finds nothing, the
//      budget is spent or a signal came; history shows it as a second run row of the job with the
//      tick's trigger, the log as "follow_up_turn".
#pragma once
#include <chrono>
#include <vector>

#include "core/runner.h"

namespace mj {

struct DueJob {
    const JobDef* job;
    int64_t next_due_at;      // stored due time; 0 = never scheduled (due now, see first_due)
    int64_t early_tolerance;  // a tick this many seconds before next_due_at counts as due
    bool starved;             // its last run ended with "budget reached" (cut short or left out)
    int64_t last_run_ms;      // how long that last run had
};

// Enabled jobs (schedule not off) with their stored due state, in the order of rule 1.
std::vector<DueJob> load_due_state(Db& db, const Config& config);

// Runs each job due at `now` under the share rule, until the deadline or a signal. A job with an
// explicit time (Schedule::explicit_time) and no stored due time gets its first due time stored
// and runs only when that time comes.
std::vector<RunResult> run_due_jobs(Db& db, const Config& config, Trigger trigger, int64_t now,
                                    std::chrono::steady_clock::time_point deadline);

// Each tick and each worker pass records its wall-clock start (issue 16: is cron running?) in
// job_state's row "(tick)", a name no job can have (job names are lowercase words and dashes):
// last_started_at = the start, last_finished_at = the start of the tick before it. One short
// write; `mailjobs doctor` (and a dashboard) compare its age with [general] cron_interval.
constexpr const char* kTickStateRow = "(tick)";
void record_tick(Db& db, int64_t wall_now);
// The recorded start of the last tick or worker pass, or 0 when none was recorded.
int64_t last_tick_at(Db& db);

// Is cron (or the worker) alive? The one rule `mailjobs doctor` and the dashboard's health banner
// apply: stale when no tick was recorded (last_at 0) or the last one is more than
// kTickStaleIntervals intervals old ([general] cron_interval, or worker_interval in worker mode).
constexpr int64_t kTickStaleIntervals = 3;
struct TickHealth {
    int64_t last_at = 0;      // 0 = none recorded
    int64_t interval = 0;     // seconds
    bool worker = false;      // [general] mode = worker
    bool stale = true;
};
TickHealth tick_health(Db& db, const Config& config, int64_t now);

// "Make due now" (the dashboard's action): stores next_due_at = now, so the next tick runs the job
// under its usual lease and budget. Nothing runs here. One short write.
void make_due_now(Db& db, const std::string& job, int64_t now);

// The earliest next due time over enabled jobs (for the worker's sleep).
int64_t earliest_due(Db& db, const Config& config);

}  // namespace mj
