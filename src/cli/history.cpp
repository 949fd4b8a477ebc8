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
    SQLite::Statement q(db->sql(),
                        "SELECT id, job, trigger, started_at, coalesce(finished_at,0), outcome, coalesce(exit_reason,''), dry_run, "
                        "examined, changed, counts, coalesce(error,''), coalesce(duration_ms,0), coalesce(max_txn_ms,0) "
                        "FROM job_runs WHERE (?1 = '' OR job = ?1) ORDER BY id DESC LIMIT ?2");
    q.bind(1, job);
    q.bind(2, args["limit"].as<int>());
    nlohmann::json arr = nlohmann::json::array();
    bool json = args.count("json") > 0;
    if (!json) print("%-6s %-20s %-30s %-7s %-11s %-15s %9s %9s  %s\n", "RUN", "STARTED", "JOB", "TRIGGER", "OUTCOME", "REASON", "EXAMINED", "CHANGED", "DETAIL");
    while (q.executeStep()) {
        nlohmann::json counts = nlohmann::json::parse(q.getColumn(10).getString(), nullptr, false);
        nlohmann::json row = {{"run_id", q.getColumn(0).getInt64()}, {"job", q.getColumn(1).getString()},
                              {"trigger", q.getColumn(2).getString()}, {"started_at", q.getColumn(3).getInt64()},
                              {"finished_at", q.getColumn(4).getInt64()}, {"outcome", q.getColumn(5).getString()},
                              {"exit_reason", q.getColumn(6).getString()}, {"dry_run", q.getColumn(7).getInt() != 0},
                              {"examined", q.getColumn(8).getInt64()}, {"changed", q.getColumn(9).getInt64()},
                              {"counts", counts}, {"error", q.getColumn(11).getString()},
                              {"duration_ms", q.getColumn(12).getInt64()}, {"max_txn_ms", q.getColumn(13).getInt64()}};
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
