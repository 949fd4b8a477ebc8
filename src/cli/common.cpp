#include "cli/common.h"

#include <cstdio>
#include <ctime>

#include "core/error.h"
#include "core/log.h"
#include "jobs/registry.h"
#include "retention/operator_policies.h"

namespace mj {

void add_common_options(cxxopts::Options& o) {
    o.add_options("common")
        ("config", "configuration file (default: $MAILJOBS_CONFIG, then ./jobs.ini)", cxxopts::value<std::string>())
        ("set", "override one key: SECTION.KEY=VALUE (repeatable)", cxxopts::value<std::vector<std::string>>())
        ("database", "SQLite file (general.database)", cxxopts::value<std::string>())
        ("log-format", "auto, json or text (general.log_format)", cxxopts::value<std::string>())
        ("q,quiet", "log warnings and errors only")
        ("v,verbose", "log debug details")
        ("json", "machine-readable output")
        ("h,help", "show this help");
}

cxxopts::ParseResult parse_args(cxxopts::Options& options, int argc, char** argv) {
    try {
        auto r = options.parse(argc, argv);
        if (r.count("help")) {
            std::printf("%s\n", options.help().c_str());
            std::exit(kExitOk);
        }
        return r;
    } catch (const cxxopts::exceptions::exception& e) {
        throw Error(kExitUsage, std::string(e.what()) + " (see --help)");
    }
}

Config load_config(const cxxopts::ParseResult& args, std::vector<std::string> sets) {
    LoadOptions lo;
    if (args.count("config")) lo.file = args["config"].as<std::string>();
    if (args.count("set"))
        for (const auto& s : args["set"].as<std::vector<std::string>>()) sets.insert(sets.begin(), s);
    if (args.count("database")) sets.push_back("general.database=" + args["database"].as<std::string>());
    if (args.count("log-format")) sets.push_back("general.log_format=" + args["log-format"].as<std::string>());
    lo.cli_sets = sets;
    lo.jobs = job_defaults();
    std::vector<ConfigProblem> problems;
    Config config = Config::load(lo, &problems);
    if (!problems.empty()) {
        for (const auto& p : problems) std::fprintf(stderr, "%s: %s\n", p.where.c_str(), p.message.c_str());
        throw Error(kExitUsage, std::to_string(problems.size()) + " configuration problem" +
                                    (problems.size() == 1 ? "" : "s") + "; nothing was run");
    }
    if (!config.file_found())
        std::fprintf(stderr, "mailjobs: note: no jobs.ini found; using built-in defaults (database %s)\n",
                     config.path("general", "database").c_str());
    Logger::Options lopt;
    lopt.file = config.path("general", "log_file");
    lopt.format = config.str("general", "log_format");
    const std::string& level = config.str("general", "log_level");
    lopt.level = level == "debug" ? Level::debug : level == "warn" ? Level::warn : level == "error" ? Level::error : Level::info;
    if (args.count("quiet")) lopt.level = Level::warn;
    if (args.count("verbose")) lopt.level = Level::debug;
    logger().configure(lopt);
    return config;
}

// Operators' [retention.NAME] policies are checked against the schema before anything is written
// (migrations included): any problem is exit 2 with all of them listed, the file untouched.
static void require_valid_policies(const std::vector<ConfigProblem>& problems) {
    if (problems.empty()) return;
    for (const auto& p : problems) std::fprintf(stderr, "%s: %s\n", p.where.c_str(), p.message.c_str());
    throw Error(kExitUsage, std::to_string(problems.size()) + " retention policy problem" + (problems.size() == 1 ? "" : "s") +
                                "; nothing was run");
}

std::unique_ptr<Db> open_database(const Config& config) {
    const std::string path = config.path("general", "database");
    const int64_t busy_ms = config.duration("general", "busy_timeout") * 1000;
    require_valid_policies(check_operator_policies_for(path, config, busy_ms));
    return Db::open(path, busy_ms);
}

int64_t parse_now(const std::string& text) {
    bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    if (digits) return std::stoll(text);
    std::tm tm{};
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char tail[8] = {};
    int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%*[T ]%2d:%2d:%2d%7s", &y, &mo, &d, &h, &mi, &s, tail);
    if (n < 3 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || (tail[0] && std::string(tail) != "Z"))
        throw Error(kExitUsage, "bad --now '" + text + "': use unix seconds or 2026-11-23T10:00:00Z (UTC)");
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return static_cast<int64_t>(timegm(&tm));
}

int64_t now_from(const cxxopts::ParseResult& args) {
    if (args.count("now")) return parse_now(args["now"].as<std::string>());
    return static_cast<int64_t>(std::time(nullptr));
}

std::string relative_time(int64_t t, int64_t now) {
    if (t == 0) return "-";
    int64_t d = t - now;
    int64_t a = d < 0 ? -d : d;
    std::string amount = a < 120 ? std::to_string(a) + "s" : a < 7200 ? std::to_string(a / 60) + "m"
                       : a < 172800 ? std::to_string(a / 3600) + "h" : std::to_string(a / 86400) + "d";
    if (a < 1) return "now";
    return d < 0 ? amount + " ago" : "in " + amount;
}

}  // namespace mj
