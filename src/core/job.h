// The job contract (DESIGN.md "The job contract").
//
// A job is one entry in the registry (registry.cpp) and one function taking a JobContext. It works
// in batches: each batch is one short write transaction (ctx.db.write), and between batches it asks
// ctx.should_stop() (deadline, signal, lost lease). It returns an Outcome; counts go into ctx.counts.
// Re-running a finished job changes nothing (BJ-27). In dry-run it makes the same selection, counts
// what it would change, and writes nothing (the runner writes the history row).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/db.h"
#include "core/log.h"

namespace mj {

class Lease;

// Stable names: stored in job_runs.outcome and printed by `history`; never renumber or rename.
enum class Outcome { done, more, skipped, failed };
const char* outcome_name(Outcome o);

enum class Trigger { cron, manual, worker, api };
const char* trigger_name(Trigger t);

enum class DryRun { no, yes };

struct Counts {
    int64_t examined = 0;
    int64_t changed = 0;
    std::map<std::string, int64_t> by_name;  // table or counter name -> rows
    // Cutoffs the job's retention policies used, in order: ("table.column", unix seconds).
    // Filled by the retention engine; `cleanup preview/execute` report them.
    std::vector<std::pair<std::string, int64_t>> cutoffs;
    void add(const std::string& name, int64_t n) {
        if (n) by_name[name] += n;
    }
    void note_cutoff(const std::string& what, int64_t before) {
        for (const auto& c : cutoffs)
            if (c.first == what) return;
        cutoffs.emplace_back(what, before);
    }
};

// Process-wide stop flag, set by SIGTERM/SIGINT/SIGXCPU/SIGALRM (cli/signals.cpp).
extern std::atomic<int> g_stop_signal;

class JobContext;

// Live progress (issue 16): a command that shows it (cli/progress.h, on a terminal only) installs
// one observer for the process. Every job already calls ctx.should_stop() between batches, so that
// is the one place batches are reported: no job calls the observer itself. The runner reports the
// end of each run. Without an observer nothing is measured or counted for it.
class ProgressObserver {
public:
    virtual ~ProgressObserver() = default;
    virtual void batch(const JobContext& ctx) = 0;  // after a batch: ctx.counts, ctx.db.last_txn_us()
    virtual void end(const JobContext& ctx) = 0;    // the run's job function returned
};
void set_progress_observer(ProgressObserver* observer);  // nullptr: none (the default)
ProgressObserver* progress_observer();

class JobContext {
public:
    JobContext(Db& db, const Config& config, std::string job, int64_t now, DryRun dry_run,
               std::chrono::steady_clock::time_point deadline)
        : db(db), config(config), job(std::move(job)), now(now), dry_run(dry_run == DryRun::yes), deadline_(deadline) {}

    Db& db;
    const Config& config;
    const std::string job;
    const int64_t now;          // the job's clock (unix seconds; --now overrides)
    const bool dry_run;
    int64_t run_id = 0;
    Trigger trigger = Trigger::manual;
    std::optional<int64_t> older_than_override;  // --older-than
    std::optional<std::string> domain;           // run --domain NAME: dns-recheck checks this one domain now
    Counts counts;
    std::string note;           // free text for history (e.g. conflict reason)
    // Rows this run expects to change, for the live progress line: an estimate the retention engine
    // adds as each policy starts (only while progress is shown); 0 = unknown.
    int64_t expected = 0;
    bool wants_progress() const { return progress_observer() != nullptr; }
    nlohmann::json result = nlohmann::json::object();  // job-specific result (message-cleanup's JSON, ...)

    // True when the job must stop after the current batch: deadline passed, a signal arrived, or
    // the lease was lost. Renews the lease when due. Call between batches, never inside one.
    bool should_stop();
    // Why should_stop() said yes: "budget reached", "signal", "lease lost", or "".
    const std::string& stop_reason() const { return stop_reason_; }
    int64_t remaining_ms() const;

    // This job's section of jobs.ini.
    std::string section() const { return "job." + job; }
    const std::string& cfg(const std::string& key) const { return config.str(section(), key); }
    int64_t cfg_int(const std::string& key) const { return config.integer(section(), key); }
    int64_t cfg_duration(const std::string& key) const { return config.duration(section(), key); }
    bool cfg_bool(const std::string& key) const { return config.boolean(section(), key); }
    // --older-than if given, else the job's `key` (default "older_than") in seconds.
    int64_t older_than(const std::string& key = "older_than") const;

    // job_state.cursor, a small JSON object per job. cursor_set writes in the caller's transaction.
    nlohmann::json cursor();
    void cursor_set_in_txn(const nlohmann::json& cursor);

    void info(const std::string& event, const nlohmann::json& fields = {}) { logger().log(Level::info, event, fields, job, run_id); }
    void debug(const std::string& event, const nlohmann::json& fields = {}) { if (logger().enabled(Level::debug)) logger().log(Level::debug, event, fields, job, run_id); }
    void warn(const std::string& event, const nlohmann::json& fields = {}) { logger().log(Level::warn, event, fields, job, run_id); }
    void error(const std::string& event, const nlohmann::json& fields = {}) { logger().log(Level::error, event, fields, job, run_id); }

    Lease* lease = nullptr;

private:
    std::chrono::steady_clock::time_point deadline_;
    std::string stop_reason_;
};

using JobFn = std::function<Outcome(JobContext&)>;

// For a job that works a queue other jobs fill (notification-delivery sends the notices that
// overflow-hold-expiry, destination-verification-expiry and account-deletion queue after its
// turn): how many of its queue's rows it could take at `now` (due, claimable, within any cap).
// Read-only. A tick gives such a job one follow-up turn after the last job (core/due.h, rule 5).
using FollowUpProbe = int64_t (*)(Db& db, const Config& config, int64_t now);

struct JobDef {
    const char* name;
    const char* summary;
    const char* schedule;    // default; [job.NAME] schedule overrides
    int priority;            // higher runs first in a tick (BJ-28: retries and notices before cleanup)
    std::vector<const char*> conflicts;  // jobs this one must not overlap (seed 003)
    JobFn fn;
    const char* group = "cleanup";  // cleanup | delivery | account | housekeeping (`cleanup` API covers "cleanup")
    FollowUpProbe follow_up = nullptr;  // nullptr: no follow-up turn
    // Its runs work only on queue rows each claimed first (delivery/claim.h), so several may run at
    // once ([job.NAME] parallel_runs, core/lease.h slots); a job without it runs one at a time.
    bool shares_queue = false;
};

}  // namespace mj
