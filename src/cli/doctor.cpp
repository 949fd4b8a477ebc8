// mailjobs doctor [--deep] [--json]: checks everything at once and says how to fix each problem
// (issue 16). The checks are api/doctor.h's (the dashboard shows the same list); this prints them
// as a checklist or JSON. Exit 0 only when every check is ok, 1 otherwise (README "Exit codes");
// a configuration that does not load is the one failed check (its problems listed above it).
#include <ctime>

#include "api/doctor.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/text.h"

namespace mj {

namespace {

void print_checks(const std::vector<CheckResult>& checks, bool json) {
    if (json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& c : checks) arr.push_back(to_json(c));
        print_json(nlohmann::json{{"ok", all_ok(checks)}, {"checks", arr}});
        return;
    }
    int bad = 0;
    for (const auto& c : checks) {
        const char* mark = c.status == CheckResult::Status::ok ? "ok  " : c.status == CheckResult::Status::warn ? "WARN" : "FAIL";
        print("%s  %-22s %s\n", mark, c.name.c_str(), c.detail.c_str());
        if (!c.fix.empty() && c.status != CheckResult::Status::ok) print("      %-22s fix: %s\n", "", c.fix.c_str());
        if (c.status != CheckResult::Status::ok) ++bad;
    }
    if (bad) print("%d of %zu checks need attention\n", bad, checks.size());
    else print("all %zu checks passed\n", checks.size());
}

}  // namespace

int cmd_doctor(int argc, char** argv) {
    cxxopts::Options o("mailjobs doctor", "Check the installation: configuration, database, cron, mail, TLS, DNS, limits.");
    add_common_options(o);
    o.add_options()("deep", "also connect to the SMTP server (transport = smtp/smtps)");
    auto args = parse_args(o, argc, argv);
    const bool json = args.count("json") > 0;
    Config config;
    try {
        config = load_config(args);
    } catch (const Error& e) {
        if (e.code != kExitUsage) throw;
        print_checks({{"config", CheckResult::Status::fail, e.what(),
                       "fix the lines above (`mailjobs config` lists them); nothing else can be checked before"}},
                     json);
        return kExitJobFailed;
    }
    DoctorOptions d;
    d.deep = args.count("deep") > 0;
    d.now = static_cast<int64_t>(std::time(nullptr));
    auto checks = run_doctor(config, d);
    print_checks(checks, json);
    return all_ok(checks) ? kExitOk : kExitJobFailed;
}

}  // namespace mj
