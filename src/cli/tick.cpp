// mailjobs tick: the one crontab entry (BJ-01). Runs every due job, most important first, inside
// one time budget. Silent on stdout when nothing is due, so cron sends no mail.
#include <cstdio>

#include "cli/commands.h"
#include "core/exit_codes.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "core/due.h"
#include "core/log.h"
#include "core/text.h"

namespace mj {

int cmd_tick(int argc, char** argv) {
    cxxopts::Options o("mailjobs tick", "Run every due job inside one time budget (the crontab entry).");
    add_common_options(o);
    o.add_options()
        ("max-runtime", "time budget for the whole tick (default general.time_budget)", cxxopts::value<std::string>())
        ("now", "pretend the clock says this (tests and replays)", cxxopts::value<std::string>());
    auto args = parse_args(o, argc, argv);
    std::vector<std::string> sets;
    if (args.count("max-runtime")) sets.push_back("general.time_budget=" + args["max-runtime"].as<std::string>());
    int64_t now = now_from(args);
    Config config = load_config(args, sets);
    if (config.str("general", "mode") == "worker") {
        logger().log(Level::info, "tick_skipped", {{"reason", "general.mode = worker: `mailjobs worker` runs the jobs"}});
        return kExitOk;
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config.duration("general", "time_budget"));
    auto db = open_database(config);
    std::vector<RunResult> results;
    {
        ProgressScope progress(args);  // issue 16: a tick by hand on a terminal shows the live line too
        results = run_due_jobs(*db, config, Trigger::cron, now, deadline);
    }
    if (args.count("json")) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& r : results) {
            Statement q(*db, "SELECT job FROM job_runs WHERE id = ?");
            q.bind(1, r.run_id);
            q.step();
            arr.push_back(run_result_json(r, q.column(0).as_text().c_str()));
        }
        print_json(arr);  // issue 11.4: errors hold outside text
    }
    return exit_code_for(results, false);
}

}  // namespace mj
