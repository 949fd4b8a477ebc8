// mailjobs run JOB... [--dry-run] [--max-runtime D] [--older-than D] [--now T]
// Runs the named jobs now, in the order given (BJ-30 harness; manual SSH runs; per-job cron lines).
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "core/duration.h"
#include "core/error.h"
#include "core/job_catalogue.h"
#include "core/runner.h"
#include "core/text.h"
#include "jobs/dns_rules.h"

namespace mj {

int cmd_run(int argc, char** argv) {
    cxxopts::Options o("mailjobs run", "Run jobs now (manual trigger).");
    add_common_options(o);
    o.add_options()
        ("dry-run", "select and count, change nothing (only the history row is written)")
        ("max-runtime", "time budget for this invocation (default general.time_budget)", cxxopts::value<std::string>())
        ("older-than", "override the job's retention age, e.g. 30d", cxxopts::value<std::string>())
        ("domain", "dns-recheck: check this one domain now and print each record's result", cxxopts::value<std::string>())
        ("now", "pretend the clock says this (unix seconds or 2026-11-23T10:00:00Z)", cxxopts::value<std::string>())
        ("trigger", "recorded trigger: manual (default) or cron", cxxopts::value<std::string>()->default_value("manual"))
        ("jobs", "", cxxopts::value<std::vector<std::string>>());
    o.parse_positional({"jobs"});
    o.positional_help("JOB...");
    auto args = parse_args(o, argc, argv);
    if (!args.count("jobs")) throw Error(kExitUsage, "run: name at least one job (see `mailjobs list`)");

    std::vector<const JobDef*> jobs;
    for (const auto& name : args["jobs"].as<std::vector<std::string>>()) {
        const JobDef* j = find_job(name);
        if (!j) {
            std::vector<std::string> names;
            for (const auto& d : job_registry()) names.push_back(d.name);
            std::string hint = did_you_mean(name, names);
            throw Error(kExitUsage, "unknown job '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        }
        jobs.push_back(j);
    }
    std::vector<std::string> sets;
    if (args.count("max-runtime")) sets.push_back("general.time_budget=" + args["max-runtime"].as<std::string>());
    std::optional<int64_t> older_than;
    if (args.count("older-than")) {
        std::string err;
        older_than = parse_duration(args["older-than"].as<std::string>(), &err);
        if (!older_than) throw Error(kExitUsage, "--older-than: " + err);
    }
    std::string trig = args["trigger"].as<std::string>();
    if (trig != "manual" && trig != "cron") throw Error(kExitUsage, "--trigger must be manual or cron");
    std::optional<std::string> domain;
    if (args.count("domain")) {
        domain = normalise_host(args["domain"].as<std::string>());  // "Example.ORG." = example.org
        if (jobs.size() != 1 || std::string(jobs[0]->name) != "dns-recheck")
            throw Error(kExitUsage, "--domain goes with the one job dns-recheck");
        if (domain->empty()) throw Error(kExitUsage, "--domain: name a domain");
    }
    int64_t now = now_from(args);
    Config config = load_config(args, sets);
    auto db = open_database(config);
    if (domain && !db->scalar("SELECT count(*) FROM domains WHERE name = ?1", *domain))
        throw Error(kExitUsage, "--domain: no domain named '" + printable(args["domain"].as<std::string>()) + "' in the domains table");

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config.duration("general", "time_budget"));
    std::vector<RunResult> results;
    ProgressScope progress(args);  // issue 16: the live line on a terminal
    for (const JobDef* j : jobs) {
        if (g_stop_signal.load()) break;
        RunOptions ro;
        ro.trigger = trig == "cron" ? Trigger::cron : Trigger::manual;
        ro.dry_run = args.count("dry-run") ? DryRun::yes : DryRun::no;
        ro.now = now;
        ro.deadline = deadline;
        ro.older_than = older_than;
        ro.domain = domain;
        results.push_back(run_job(*db, config, *j, ro));
    }
    print_run_results(results, jobs, args.count("json") > 0, args.count("dry-run") > 0);
    return exit_code_for(results, true);
}

}  // namespace mj
