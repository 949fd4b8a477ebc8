// mailjobs cleanup stats|preview|execute|history|status [--json]: seed 003's cleanup API on the
// command line (the logic is api/cleanup_api.cpp, shared with the CGI API).
// mailjobs cleanup [--dry-run] [--older-than 30d]: seed 000's command, delivery-log-cleanup only.
#include <cstdio>
#include <cstring>

#include "api/cleanup_api.h"
#include "api/table_stats.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/error.h"
#include "core/job_catalogue.h"
#include "core/log.h"
#include "core/text.h"  // issue 11.4: all output through one escaping place

namespace mj {
namespace {

const char* const kActions[] = {"stats", "preview", "execute", "history", "status"};

std::string human_bytes(const nlohmann::json& v) {
    if (!v.is_number()) return "-";
    double b = v.get<double>();
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1024 && u < 4) b /= 1024, ++u;
    char buf[32];
    std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", b, units[u]);
    return buf;
}

std::string str_or(const nlohmann::json& v, const char* dash = "-") { return v.is_string() ? v.get<std::string>() : dash; }

std::string counts_text(const nlohmann::json& counts) {
    std::string s;
    for (auto it = counts.begin(); it != counts.end(); ++it) s += (s.empty() ? "" : ", ") + it.key() + " " + json_text(it.value());
    return s;
}

// Options of one action; a flag that belongs to another action is a usage error (exit 2).
cxxopts::ParseResult parse_action(const std::string& action, int argc, char** argv) {
    cxxopts::Options o("mailjobs cleanup " + action, "Seed 003's cleanup API on the command line.");
    add_common_options(o);
    if (action == "preview" || action == "execute" || action.empty()) {
        o.add_options()("older-than", "override the retention age, e.g. 30d", cxxopts::value<std::string>())(
            "now", "pretend the clock says this (unix seconds or 2026-11-23T10:00:00Z)", cxxopts::value<std::string>());
    }
    if (action == "preview" || action == "execute")
        o.add_options()("job", "only this cleanup job (default: every cleanup job)", cxxopts::value<std::string>());
    if (action == "execute" || action.empty())
        o.add_options()("dry-run", "select and count, change nothing (a history row is written)")(
            "max-runtime", "time budget (default general.time_budget)", cxxopts::value<std::string>());
    if (action == "history") o.add_options()("limit", "how many runs (1-1000)", cxxopts::value<int>()->default_value("10"));
    if (action == "stats") o.add_options()("no-bytes", "skip sizes (they read every page of the file)");
    auto args = parse_args(o, argc, argv);
    if (!args.unmatched().empty()) throw Error(kExitUsage, "unexpected argument '" + args.unmatched()[0] + "' (see --help)");
    return args;
}

CleanupRequest request_from(const cxxopts::ParseResult& args) {
    CleanupRequest r;
    if (args.count("job")) r.job = args["job"].as<std::string>();
    if (args.count("older-than")) r.older_than = parse_age(args["older-than"].as<std::string>(), "--older-than");
    r.now = now_from(args);
    return r;
}

std::vector<std::string> budget_sets(const cxxopts::ParseResult& args) {
    if (!args.count("max-runtime")) return {};
    return {"general.time_budget=" + args["max-runtime"].as<std::string>()};
}

std::chrono::steady_clock::time_point deadline_of(const Config& config) {
    return std::chrono::steady_clock::now() + std::chrono::seconds(config.duration("general", "time_budget"));
}

void print_stats(const nlohmann::json& s) {
    print("%-28s %10s %10s %10s  %-22s %s\n", "TABLE", "ROWS", "SIZE", "INDEXES", "OLDEST", "BY");
    for (const auto& t : s["tables"])
        print("%-28s %10lld %10s %10s  %-22s %s\n", t["table"].get<std::string>().c_str(),
                    static_cast<long long>(t["rows"].get<int64_t>()), human_bytes(t["bytes"]).c_str(),
                    human_bytes(t["indexBytes"]).c_str(), str_or(t["oldestAt"]).c_str(), str_or(t["timeColumn"], "").c_str());
    print("database %s, free pages %s, WAL %s\n", human_bytes(s["databaseBytes"]).c_str(),
                human_bytes(s["freeBytes"]).c_str(), human_bytes(s["walBytes"]).c_str());
}

void print_preview(const nlohmann::json& p) {
    for (const auto& j : p["jobs"]) {
        print("%-32s would delete %lld%s%s  cutoff %s%s\n", j["job"].get<std::string>().c_str(),
                    static_cast<long long>(j["total"].get<int64_t>()), j["wouldDelete"].empty() ? "" : ": ",
                    counts_text(j["wouldDelete"]).c_str(), str_or(j["cutoff"]).c_str(), j["enabled"].get<bool>() ? "" : "  (disabled)");
        if (j.contains("error")) print("%-32s error: %s\n", "", j["error"].get<std::string>().c_str());
    }
    print("total: %lld\n", static_cast<long long>(p["total"].get<int64_t>()));
}

void print_execution(const nlohmann::json& e) {
    bool dry = e["dryRun"].get<bool>();
    for (const auto& j : e["jobs"]) {
        std::string detail = j["reason"].is_string() ? " " + j["reason"].get<std::string>()
                           : j["error"].is_string() ? " error: " + j["error"].get<std::string>() : "";
        print("%-32s %-8s %s %lld%s%s  (%s) [run %lld]%s\n", j["job"].get<std::string>().c_str(),
                    j["outcome"].get<std::string>().c_str(), dry ? "would delete" : "deleted",
                    static_cast<long long>(j["total"].get<int64_t>()), j["deleted"].empty() ? "" : ": ",
                    counts_text(j["deleted"]).c_str(), j["exitReason"].get<std::string>().c_str(),
                    static_cast<long long>(j["runId"].get<int64_t>()), detail.c_str());
    }
    for (const auto& n : e["notStarted"]) print("%-32s not started (time budget spent)\n", n.get<std::string>().c_str());
    for (const auto& n : e["disabled"]) print("%-32s disabled in jobs.ini\n", n.get<std::string>().c_str());
}

void print_history(const nlohmann::json& h) {
    print("%-6s %-20s %-30s %-7s %-11s %-15s %9s  %s\n", "RUN", "STARTED", "JOB", "TRIGGER", "OUTCOME", "REASON", "CHANGED", "DETAIL");
    for (const auto& r : h["runs"]) {
        std::string detail = counts_text(r["deleted"]);
        if (r["dryRun"].get<bool>()) detail += " (dry-run)";
        if (r["reason"].is_string()) detail += " " + r["reason"].get<std::string>();
        if (r["error"].is_string()) detail += " " + r["error"].get<std::string>();
        print("%-6lld %-20s %-30s %-7s %-11s %-15s %9lld  %s\n", static_cast<long long>(r["runId"].get<int64_t>()),
                    str_or(r["startedAt"]).c_str(), r["job"].get<std::string>().c_str(), r["trigger"].get<std::string>().c_str(),
                    r["outcome"].get<std::string>().c_str(), str_or(r["exitReason"]).c_str(),
                    static_cast<long long>(r["changed"].get<int64_t>()), detail.c_str());
    }
}

void print_status(const nlohmann::json& s) {
    std::string running, conflicting;
    for (const auto& r : s["runningJobs"]) running += (running.empty() ? "" : ", ") + r["job"].get<std::string>();
    for (const auto& c : s["conflictingJobsRunning"])
        conflicting += (conflicting.empty() ? "" : ", ") + c["job"].get<std::string>() + " (blocks " + json_text(c["blocks"]) + ")";
    print("cleanup running:          %s\n", running.empty() ? "no" : ("yes: " + running).c_str());
    print("conflicting jobs running: %s\n", conflicting.empty() ? "no" : ("yes: " + conflicting).c_str());
    const auto& l = s["lastRun"];
    if (l.is_null()) print("last cleanup run:         none\n");
    else
        print("last cleanup run:         %s %s (%s) at %s, changed %lld [run %lld]\n", l["job"].get<std::string>().c_str(),
                    l["outcome"].get<std::string>().c_str(), str_or(l["exitReason"]).c_str(), str_or(l["startedAt"]).c_str(),
                    static_cast<long long>(l["changed"].get<int64_t>()), static_cast<long long>(l["runId"].get<int64_t>()));
}

// Seed 000: `cleanup [--dry-run] [--older-than 30d]` purges delivery_log and says so in one line.
int seed000_cleanup(const cxxopts::ParseResult& args) {
    const JobDef* job = find_job("delivery-log-cleanup");
    if (!job) throw Error(kExitUsage, "this build has no delivery-log-cleanup job");
    CleanupRequest req = request_from(args);
    req.job = job->name;
    Config config = load_config(args, budget_sets(args));
    auto db = open_database(config);
    DryRun dry = args.count("dry-run") ? DryRun::yes : DryRun::no;
    auto ex = cleanup_execute(*db, config, req, Trigger::manual, dry, deadline_of(config));
    const RunResult& r = ex.runs.at(0);
    int64_t n = dry == DryRun::yes ? r.counts.examined : r.counts.changed;
    auto it = r.counts.by_name.find("delivery_log");
    if (it != r.counts.by_name.end()) n = it->second;
    int64_t cutoff = r.counts.cutoffs.empty()
                         ? req.now - (req.older_than ? *req.older_than : config.duration("job.delivery-log-cleanup", "older_than"))
                         : r.counts.cutoffs[0].second;
    std::string when = iso_time(cutoff);  // 2026-10-19T09:46:40Z -> seed 000's "2026-10-19 09:46:40 UTC"
    when = when.substr(0, 10) + " " + when.substr(11, 8) + " UTC";
    if (args.count("json")) {
        print_json(nlohmann::json{{"deleted_count", n}, {"dry_run", dry == DryRun::yes}, {"cutoff_date", iso_time(cutoff)},
                    {"outcome", outcome_name(r.outcome)}, {"exit_reason", r.exit_reason}, {"run_id", r.run_id}});
    } else if (r.outcome == Outcome::skipped) {
        print("Skipped: %s\n", ex.json["jobs"][0]["reason"].get<std::string>().c_str());
    } else if (r.outcome != Outcome::failed) {
        print("%s %lld delivery log records older than %s%s\n", dry == DryRun::yes ? "Would delete" : "Deleted",
                    static_cast<long long>(n), when.c_str(), r.outcome == Outcome::more ? " (time budget spent; the next run continues)" : "");
    }
    if (r.outcome == Outcome::failed) std::fprintf(stderr, "mailjobs: error: delivery-log-cleanup: %s\n", printable(r.error).c_str());
    return exit_code_for(ex.runs, true);
}

}  // namespace

int cmd_cleanup(int argc, char** argv) {
    // No action word (or a flag first): seed 000's command.
    if (argc < 2 || argv[1][0] == '-') return seed000_cleanup(parse_action("", argc, argv));
    std::string action = argv[1];
    bool known = false;
    for (const char* a : kActions) known |= action == a;
    if (!known) {
        std::vector<std::string> names(std::begin(kActions), std::end(kActions));
        std::string hint = did_you_mean(action, names);
        throw Error(kExitUsage, "unknown cleanup action '" + action + "' (stats, preview, execute, history, status" +
                                    (hint.empty() ? "" : "; did you mean '" + hint + "'?") + ")");
    }
    auto args = parse_action(action, argc - 1, argv + 1);
    bool json = args.count("json") > 0;
    if (action == "stats") {
        Config config = load_config(args);
        auto db = open_database(config);
        auto s = table_stats(*db, !args.count("no-bytes"));
        json ? print_json(s) : print_stats(s);
        return kExitOk;
    }
    if (action == "preview") {
        CleanupRequest req = request_from(args);
        cleanup_jobs(req.job);  // an unknown job is exit 2 before any file is opened
        Config config = load_config(args);
        auto db = open_database(config);
        auto p = cleanup_preview(*db, config, req);
        json ? print_json(p) : print_preview(p);
        for (const auto& j : p["jobs"])
            if (j.contains("error")) return kExitJobFailed;
        return kExitOk;
    }
    if (action == "execute") {
        CleanupRequest req = request_from(args);
        cleanup_jobs(req.job);
        if (req.older_than && req.job.empty())
            throw Error(kExitUsage, "--older-than needs --job: one age for every cleanup job is never meant");
        Config config = load_config(args, budget_sets(args));
        auto db = open_database(config);
        DryRun dry = args.count("dry-run") ? DryRun::yes : DryRun::no;
        auto ex = cleanup_execute(*db, config, req, Trigger::manual, dry, deadline_of(config));
        json ? print_json(ex.json) : print_execution(ex.json);
        return exit_code_for(ex.runs, true);
    }
    if (action == "history") {
        int limit = args["limit"].as<int>();
        if (limit < 1 || limit > 1000) throw Error(kExitUsage, "--limit must be between 1 and 1000");
        Config config = load_config(args);
        auto db = open_database(config);
        auto h = cleanup_history(*db, limit);
        json ? print_json(h) : print_history(h);
        return kExitOk;
    }
    Config config = load_config(args);
    auto db = open_database(config);
    auto s = cleanup_status(*db);
    json ? print_json(s) : print_status(s);
    return kExitOk;
}

}  // namespace mj
