// Running every due job once, most important first, inside one time budget: the body of
// `mailjobs tick` and of each pass of `mailjobs worker`.
//
// Reading what is due costs one indexed read of job_state (a row per job), never a scan of a data
// table: a tick with nothing due finishes in a few milliseconds on any database size.
#pragma once
#include <chrono>
#include <vector>

#include "core/runner.h"

namespace mj {

struct DueJob {
    const JobDef* job;
    int64_t next_due_at;  // 0 = never ran: due now
};

// Enabled jobs in priority order with their stored next due time.
std::vector<DueJob> load_due_state(Db& db, const Config& config);

// Runs each job with next_due_at <= now, highest priority first, until the deadline or a signal.
std::vector<RunResult> run_due_jobs(Db& db, const Config& config, Trigger trigger, int64_t now,
                                    std::chrono::steady_clock::time_point deadline);

// The earliest next due time over enabled jobs (for the worker's sleep).
int64_t earliest_due(Db& db, const Config& config);

}  // namespace mj
