// mailjobs worker: the same schedule as tick, in a long-running loop (seed 000's background
// worker; BJ-25: the same jobs, switched by general.mode). For a VPS with systemd; on shared
// hosting use tick. SIGTERM/SIGINT end it after the current batch, with the run recorded.
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <ctime>

#include "cli/commands.h"
#include "core/exit_codes.h"
#include "cli/common.h"
#include "core/due.h"
#include "core/log.h"

namespace mj {

int cmd_worker(int argc, char** argv) {
    cxxopts::Options o("mailjobs worker", "Run due jobs in a loop until SIGTERM/SIGINT.");
    add_common_options(o);
    o.add_options()("once", "one pass, then exit (for tests)");
    auto args = parse_args(o, argc, argv);
    Config config = load_config(args);
    auto db = open_database(config);
    int64_t interval = config.duration("general", "worker_interval");
    logger().log(Level::info, "worker_start", {{"interval_s", interval}, {"pid", static_cast<int64_t>(getpid())}});
    bool failed = false;
    while (!g_stop_signal.load()) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config.duration("general", "time_budget"));
        int64_t now = static_cast<int64_t>(std::time(nullptr));
        bool progress = false;
        for (const auto& r : run_due_jobs(*db, config, Trigger::worker, now, deadline)) {
            failed |= r.outcome == Outcome::failed;
            progress |= r.counts.examined > 0 || r.counts.changed > 0;
        }
        if (args.count("once")) break;
        // Sleep until the next job is due or the interval passes, waking each second for signals.
        // A pass that did nothing at all sleeps the whole interval: an "every tick" job is due
        // again at once, and a job that ends "more" without a row done (its budget share too
        // short for one send) would otherwise run again at once, thousands of times a minute.
        const int64_t after = static_cast<int64_t>(std::time(nullptr)) + interval;
        int64_t wake = progress ? std::min<int64_t>(earliest_due(*db, config), after) : after;
        while (!g_stop_signal.load() && static_cast<int64_t>(std::time(nullptr)) < wake) sleep(1);
    }
    logger().log(Level::info, "worker_stop", {{"signal", g_stop_signal.load()}});
    if (g_stop_signal.load()) return kExitInterrupted;
    return failed ? kExitJobFailed : kExitOk;
}

}  // namespace mj
