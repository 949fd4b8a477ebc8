// mailjobs status [JOB] [--json]: running jobs with owner and heartbeat age, last outcome, consecutive
// failures, next due time.
#include <cstdio>
#include <ctime>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/disk_files.h"  // issue 17
#include "core/error.h"
#include "core/export_status.h"  // issue 14
#include "core/job_catalogue.h"
#include "core/prom.h"  // issue 5: --prom
#include "core/queue_depths.h"  // issue 5: queue table
#include "core/status.h"
#include "core/text.h"  // issue 11.4: all output through one escaping place

namespace mj {

int cmd_status(int argc, char** argv) {
    cxxopts::Options o("mailjobs status", "What runs now and how each job is doing.");
    add_common_options(o);
    o.add_options()("prom", "also write the values as a Prometheus textfile to FILE (atomically); prints nothing else unless --json",
                    cxxopts::value<std::string>());  // issue 5
    o.add_options()("job", "", cxxopts::value<std::string>());
    o.parse_positional({"job"});
    o.positional_help("[JOB]");
    auto args = parse_args(o, argc, argv);
    std::string only = args.count("job") ? args["job"].as<std::string>() : "";
    if (!only.empty() && !find_job(only)) throw Error(kExitUsage, "unknown job '" + only + "'");
    Config config = load_config(args);
    auto db = open_database(config);
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    nlohmann::json st = collect_status(*db, config, now);
    if (!only.empty()) {  // one job: keep its row (queues and alerts stay whole)
        nlohmann::json kept = nlohmann::json::array();
        for (const auto& j : st["jobs"])
            if (j["name"] == only) kept.push_back(j);
        st["jobs"] = kept;
    }
    if (args.count("prom")) {  // issue 5; issue 11.1: never over the database, its journals, jobs.ini or the log
        const std::string database = config.path("general", "database");
        write_metrics_file(args["prom"].as<std::string>(), prom_text(st),
                           {database, database + "-wal", database + "-shm", database + "-journal",
                            config.file_found() ? config.file() : "", config.path("general", "log_file")});
    }
    if (args.count("prom") && !args.count("json")) return 0;
    if (args.count("json")) {
        print_json(st);
        return 0;
    }
    print("%-32s %-9s %-13s %-6s %-14s %s\n", "JOB", "STATE", "LAST", "FAILS", "LAST RUN", "NEXT");
    for (const auto& j : st["jobs"]) {
        std::string state = j["running"].get<bool>() ? "running" : j["enabled"].get<bool>() ? "idle" : "disabled";
        std::string last = j["last_outcome"].is_null() ? "never" : j["last_outcome"].get<std::string>();
        if (j.contains("last_exit_reason") && j["last_exit_reason"] != "done" && j["last_exit_reason"] != "")
            last += " (" + j["last_exit_reason"].get<std::string>() + ")";
        std::string when = j.contains("last_finished_at") ? relative_time(j["last_finished_at"].get<int64_t>(), now) : "-";
        std::string next = j["next_due_at"].is_null() ? "next tick" : relative_time(j["next_due_at"].get<int64_t>(), now);
        if (j["next_due_at"].is_number() && j["next_due_at"].get<int64_t>() <= now) next = "due";
        print("%-32s %-9s %-13s %-6lld %-14s %s", j["name"].get<std::string>().c_str(), state.c_str(), last.c_str(),
                    static_cast<long long>(j["consecutive_failures"].get<int64_t>()), when.c_str(), next.c_str());
        if (j["running"].get<bool>())
            print("  owner %s, heartbeat %llds ago", j["owner"].get<std::string>().c_str(),
                        static_cast<long long>(j["heartbeat_age_s"].get<int64_t>()));
        print("\n");
    }
    print("%s", queue_depths_text(st["queues"]).c_str());  // issue 5
    print("%s", export_status_text(st["exports"]).c_str());  // issue 14
    print("%s", disk_usage_text(st["disk"]).c_str());         // issue 17
    return 0;
}

}  // namespace mj
