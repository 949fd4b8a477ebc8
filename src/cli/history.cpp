// mailjobs history [JOB] [--limit N]: recent runs with outcome, exit reason and counts.
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/history_attempts.h"  // issue 5
#include "core/error.h"
#include "core/job_catalogue.h"
#include "core/log.h"
#include "core/text.h"  // issue 11.4: all output through one escaping place

namespace mj {

int cmd_history(int argc, char** argv) {
    cxxopts::Options o("mailjobs history", "Recent runs, newest first.");
    add_common_options(o);
    o.add_options()
        ("limit", "how many runs", cxxopts::value<int>()->default_value("20"))
        ("attempts", "list delivery attempts (job_attempts) instead of runs")                    // issue 5
        ("run", "with --attempts: only this run's", cxxopts::value<int64_t>()->default_value("0"))  // issue 5
        ("job", "", cxxopts::value<std::string>());
    o.parse_positional({"job"});
    o.positional_help("[JOB]");
    auto args = parse_args(o, argc, argv);
    std::string job = args.count("job") ? args["job"].as<std::string>() : "";
    if (!job.empty() && !find_job(job)) throw Error(kExitUsage, "unknown job '" + job + "'");
    Config config = load_config(args);
    auto db = open_database(config);
    if (args.count("attempts"))  // issue 5: per-attempt view of the delivery jobs
        return print_attempts(*db, job, args["run"].as<int64_t>(), args["limit"].as<int>(), args.count("json") > 0);
    Statement q(*db,
                "SELECT id, job, trigger, started_at, coalesce(finished_at,0), outcome, coalesce(exit_reason,''), dry_run, "
                "examined, changed, counts, coalesce(error,''), coalesce(duration_ms,0), coalesce(max_txn_ms,0) "
                "FROM job_runs WHERE (?1 = '' OR job = ?1) ORDER BY id DESC LIMIT ?2");
    q.bind(1, job);
    q.bind(2, args["limit"].as<int>());
    nlohmann::json arr = nlohmann::json::array();
    bool json = args.count("json") > 0;
    if (!json) print("%-6s %-20s %-30s %-7s %-11s %-15s %9s %9s  %s\n", "RUN", "STARTED", "JOB", "TRIGGER", "OUTCOME", "REASON", "EXAMINED", "CHANGED", "DETAIL");
    while (q.step()) {
        nlohmann::json counts = nlohmann::json::parse(q.column(10).as_text(), nullptr, false);
        nlohmann::json row = {{"run_id", q.column(0).as_int64()}, {"job", q.column(1).as_text()},
                              {"trigger", q.column(2).as_text()}, {"started_at", q.column(3).as_int64()},
                              {"finished_at", q.column(4).as_int64()}, {"outcome", q.column(5).as_text()},
                              {"exit_reason", q.column(6).as_text()}, {"dry_run", q.column(7).as_int() != 0},
                              {"examined", q.column(8).as_int64()}, {"changed", q.column(9).as_int64()},
                              {"counts", counts}, {"error", q.column(11).as_text()},
                              {"duration_ms", q.column(12).as_int64()}, {"max_txn_ms", q.column(13).as_int64()}};
        if (json) { arr.push_back(row); continue; }
        std::string detail;
        if (counts.is_object())
            for (auto it = counts.begin(); it != counts.end(); ++it) detail += it.key() + "=" + json_text(it.value()) + " ";
        if (row["dry_run"].get<bool>()) detail += "(dry-run) ";
        detail += row["error"].get<std::string>();
        print("%-6lld %-20s %-30s %-7s %-11s %-15s %9lld %9lld  %s\n", static_cast<long long>(row["run_id"].get<int64_t>()),
                    iso_time(row["started_at"].get<int64_t>()).c_str(), row["job"].get<std::string>().c_str(),
                    row["trigger"].get<std::string>().c_str(), row["outcome"].get<std::string>().c_str(),
                    row["exit_reason"].get<std::string>().c_str(), static_cast<long long>(row["examined"].get<int64_t>()),
                    static_cast<long long>(row["changed"].get<int64_t>()), printable(detail).c_str());
    }
    if (json) print_json(arr);
    return 0;
}

}  // namespace mj
