// mailjobs vacuum [--max-runtime D] [--dry-run] [--json]
// Runs the vacuum job now (trigger manual, with its lease and history row) and says what it gave
// back: pages and bytes freed, the file size before and after. Exit codes as `run`.
#include <cstdio>
#include <ctime>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/job_catalogue.h"
#include "core/runner.h"
#include "core/text.h"

namespace mj {
namespace {

std::string mib(int64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buf;
}

}  // namespace

int cmd_vacuum(int argc, char** argv) {
    cxxopts::Options o("mailjobs vacuum", "Return free pages of the database to the disk now, in short steps.");
    add_common_options(o);
    o.add_options()
        ("dry-run", "only say how many pages are free")
        ("max-runtime", "time budget (default general.time_budget); the next run continues", cxxopts::value<std::string>());
    auto args = parse_args(o, argc, argv);
    RunResult r = run_job_now(args, "vacuum");
    const bool dry_run = args.count("dry-run") > 0;
    const auto& v = r.result;
    if (args.count("json")) {
        print_json(v);
    } else if (r.outcome == Outcome::skipped) {
        std::printf("vacuum: skipped (%s)\n", r.exit_reason.c_str());
    } else if (r.outcome == Outcome::failed) {
        print("vacuum: failed: %s\n", printable(r.error).c_str());
    } else if (v.value("server", "") == "postgresql") {
        std::printf("vacuum: nothing to do: the database is a PostgreSQL server, whose autovacuum returns space\n");
    } else if (v.value("auto_vacuum", "") != "incremental") {
        std::printf("vacuum: not possible: the file has auto_vacuum = %s (%lld free pages); see README \"Disk space\"\n",
                    v.value("auto_vacuum", "").c_str(), static_cast<long long>(v.value("free_pages_before", 0)));
    } else {
        const int64_t freed = v.value("pages_freed", 0), before = v.value("file_bytes_before", 0),
                      after = v.value("file_bytes_after", 0), left = v.value("free_pages_after", 0);
        std::printf("vacuum: %s %lld pages (%s); file %s -> %s; %lld free pages left%s [run %lld]\n",
                    dry_run ? "would free" : "freed", static_cast<long long>(freed),
                    mib(v.value("bytes_freed", 0)).c_str(), mib(before).c_str(), mib(after).c_str(),
                    static_cast<long long>(left), r.outcome == Outcome::more ? " (budget reached; run again)" : "",
                    static_cast<long long>(r.run_id));
    }
    return exit_code_for({r}, true);
}

}  // namespace mj
