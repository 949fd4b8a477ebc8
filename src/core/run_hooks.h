// Run hooks: what the layers above core/ do around a job run (monitoring pings and operator
// alerts from delivery/, metrics next) without the runner knowing them. Hooks are registered once
// at start-up (jobs/startup.cpp) and called in registration order, only for a monitored run: a
// real run that holds its lease (no dry run, no lock-held or conflict skip).
//
// Per run: at its start (history row written, before the job works) each hook may return a watch
// holding what it needs to know at the end (a ping's run id); once the run is recorded (job_runs
// and job_state committed, lease released) each watch is told how it ended. A hook must never fail
// the run: it handles its own errors.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/db.h"

namespace mj {

// A monitored run at its start.
struct RunStart {
    const Config& config;
    const std::string& job;
    int64_t run_id;
};

// The same run once its outcome is recorded.
struct RunRecorded {
    Db& db;
    const Config& config;
    const std::string& job;
    int64_t run_id;
    bool failed;                 // outcome failed
    int exit_status;             // kExitOk, kExitJobFailed or kExitInterrupted (core/exit_codes.h)
    const std::string& summary;  // outcome text, then ": error" when there is one
    const std::string& error;    // "" unless failed
};

// One hook's view of one run, from its start to its recording.
class RunWatch {
public:
    virtual ~RunWatch() = default;
    virtual void recorded(const RunRecorded& run) = 0;
};

// Called at the start of a monitored run; returns the watch for its end, or nullptr.
using RunHook = std::function<std::unique_ptr<RunWatch>(const RunStart& run)>;

// Replaces the hooks (start-up, once); they run in this order at start and at the end.
void set_run_hooks(std::vector<RunHook> hooks);

// The watches of one run, in hook order.
class RunWatches {
public:
    // Calls every hook's start.
    static RunWatches start(const RunStart& run);
    // Tells every watch, in order, that the run is recorded.
    void recorded(const RunRecorded& run);

private:
    std::vector<std::unique_ptr<RunWatch>> watches_;
};

}  // namespace mj
