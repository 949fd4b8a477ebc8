// mailjobs backup [--max-runtime D] [--dry-run] [--json]
// Runs the backup job now (trigger manual, with its lease and history row) and says where the copy
// is, how big, and which old ones the keep rule removed. Exit codes as `run`.
#include <cstdio>
#include <ctime>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/job_catalogue.h"
#include "core/runner.h"
#include "core/text.h"

namespace mj {

int cmd_backup(int argc, char** argv) {
    cxxopts::Options o("mailjobs backup", "Write a verified, compressed copy of the database into [backup] dir now.");
    add_common_options(o);
    o.add_options()
        ("dry-run", "only say what would be written and removed")
        ("max-runtime", "time budget (default general.time_budget)", cxxopts::value<std::string>());
    auto args = parse_args(o, argc, argv);
    RunResult r = run_job_now(args, "backup");
    const bool dry_run = args.count("dry-run") > 0;
    const auto& v = r.result;
    if (args.count("json")) {
        print_json(v);
    } else if (r.outcome == Outcome::skipped) {
        std::printf("backup: skipped (%s)\n", r.exit_reason.c_str());
    } else if (r.outcome == Outcome::failed) {
        print("backup: failed: %s\n", printable(r.error).c_str());
    } else if (r.outcome == Outcome::more) {
        std::printf("backup: stopped (%s); nothing was kept\n", r.exit_reason.c_str());
    } else if (dry_run) {
        std::printf("backup: would write a copy of %lld bytes into %s and remove %lld old backup(s)\n",
                    static_cast<long long>(v.value("db_bytes", 0)), printable(v.value("dir", "")).c_str(),
                    static_cast<long long>(v.value("would_remove", 0)));
    } else {
        std::printf("backup: %s (%lld bytes, %lld compressed, integrity ok); %lld old removed, %lld kept [run %lld]\n",
                    printable(v.value("path", "")).c_str(), static_cast<long long>(v.value("db_bytes", 0)),
                    static_cast<long long>(v.value("file_bytes", 0)), static_cast<long long>(v.value("removed", 0)),
                    static_cast<long long>(v.value("kept", 0)), static_cast<long long>(r.run_id));
    }
    return exit_code_for({r}, true);
}

}  // namespace mj
