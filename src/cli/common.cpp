#include "cli/common.h"

#include <cstdio>
#include <ctime>

#include "core/error.h"
#include "core/job_catalogue.h"
#include "retention/operator_policies.h"

namespace mj {

void add_common_options(cxxopts::Options& o) {
    o.add_options("common")
        ("config", "configuration file (default: $MAILJOBS_CONFIG, then ./jobs.ini)", cxxopts::value<std::string>())
        ("set", "override one key: SECTION.KEY=VALUE (repeatable)", cxxopts::value<std::vector<std::string>>())
        ("database", "SQLite file (general.database)", cxxopts::value<std::string>())
        ("log-format", "auto, json or text (general.log_format)", cxxopts::value<std::string>())
        ("q,quiet", "print only warnings and errors on the terminal (the log file keeps log_level)")
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
    StartupOptions so;
    if (args.count("config")) so.config_file = args["config"].as<std::string>();
    if (args.count("set"))
        for (const auto& s : args["set"].as<std::vector<std::string>>()) sets.insert(sets.begin(), s);
    if (args.count("database")) sets.push_back("general.database=" + args["database"].as<std::string>());
    if (args.count("log-format")) sets.push_back("general.log_format=" + args["log-format"].as<std::string>());
    so.sets = sets;
    so.quiet = args.count("quiet") > 0;
    so.verbose = args.count("verbose") > 0;
    return load_config(so);
}

void check_policies_read_only(const Config& config) {
    std::string note;
    const std::string path = config.path("general", "database");
    auto problems = check_operator_policies_read_only(path, config, config.duration("general", "busy_timeout") * 1000, &note);
    if (!note.empty()) std::fprintf(stderr, "mailjobs: note: %s\n", note.c_str());
    refuse_problems(problems, "retention policy problem");
}

namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int days_in_month(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

}  // namespace

// Exactly: unix seconds, or YYYY-MM-DD[(T| )HH:MM[:SS][Z|+HH:MM|-HH:MM]]; no offset means UTC.
// Every field is checked (2026-02-31 is refused, not rolled over) and the instant must lie in
// [1970-01-01, 2100-01-01): a fixed window, not one relative to the real clock, so a test's
// --now never expires, and a typo (99999999999) cannot queue a notice for the year 5138.
int64_t parse_now(const std::string& text) {
    constexpr int64_t kMax = 4102444800;  // 2100-01-01T00:00:00Z
    auto bad = [&](const std::string& why) {
        return Error(kExitUsage, "bad --now '" + text + "': " + why +
                                     " (use unix seconds or an ISO 8601 UTC time such as 2026-11-23, 2026-11-23T10:00:00Z or "
                                     "2026-11-23T10:00+01:00, between 1970 and 2099)");
    };
    const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    if (digits) {
        if (text.size() > 10) throw bad("out of range");
        int64_t t = std::stoll(text);
        if (t >= kMax) throw bad("out of range");
        return t;
    }
    size_t i = 0;
    auto number = [&](size_t width, int* out) {
        if (i + width > text.size()) return false;
        int v = 0;
        for (size_t k = 0; k < width; ++k) {
            char c = text[i + k];
            if (c < '0' || c > '9') return false;
            v = v * 10 + (c - '0');
        }
        i += width;
        *out = v;
        return true;
    };
    auto expect = [&](char c) {
        if (i < text.size() && text[i] == c) return ++i, true;
        return false;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, off_h = 0, off_m = 0, sign = 0;
    if (!number(4, &y) || !expect('-') || !number(2, &mo) || !expect('-') || !number(2, &d)) throw bad("not a date");
    if (mo < 1 || mo > 12) throw bad("no month " + std::to_string(mo));
    if (d < 1 || d > days_in_month(y, mo)) throw bad("no day " + std::to_string(d) + " in that month");
    if (i < text.size()) {
        if (!(expect('T') || expect(' '))) throw bad("unexpected text after the date");
        if (!number(2, &h) || !expect(':') || !number(2, &mi)) throw bad("expected HH:MM after the date");
        if (expect(':') && !number(2, &sec)) throw bad("expected two digits of seconds");
        if (h > 23 || mi > 59 || sec > 59) throw bad("no such time of day");
        if (expect('Z')) {
        } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
            sign = text[i++] == '+' ? 1 : -1;
            if (!number(2, &off_h) || !expect(':') || !number(2, &off_m) || off_h > 18 || off_m > 59)
                throw bad("expected a UTC offset such as +01:00");
        }
        if (i != text.size()) throw bad("unexpected text after the time");
    }
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - sign * (off_h * 3600 + off_m * 60);
    if (t < 0 || t >= kMax) throw bad("out of range");
    return t;
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

RunResult run_job_now(const cxxopts::ParseResult& args, const char* job) {
    std::vector<std::string> sets;
    if (args.count("max-runtime")) sets.push_back("general.time_budget=" + args["max-runtime"].as<std::string>());
    Config config = load_config(args, sets);
    auto db = open_database(config);
    RunOptions ro;
    ro.trigger = Trigger::manual;
    ro.dry_run = args.count("dry-run") ? DryRun::yes : DryRun::no;
    ro.now = static_cast<int64_t>(std::time(nullptr));
    ro.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config.duration("general", "time_budget"));
    return run_job(*db, config, *find_job(job), ro);
}

}  // namespace mj
