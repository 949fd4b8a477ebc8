#include "api/cleanup_api.h"

#include <algorithm>

#include "api/cleanup_runs.h"
#include "core/duration.h"
#include "core/error.h"
#include "core/job_catalogue.h"
#include "core/log.h"

namespace mj {
namespace {

bool is_cleanup(const JobDef& j) { return std::string(j.group) == "cleanup"; }

// "cutoff" (the job's first policy) and "cutoffs" (all of them) from the engine's notes.
void put_cutoffs(nlohmann::json& out, const Counts& counts) {
    out["cutoff"] = counts.cutoffs.empty() ? nlohmann::json(nullptr) : nlohmann::json(iso_time(counts.cutoffs[0].second));
    out["cutoffs"] = nlohmann::json::array();
    for (const auto& [what, before] : counts.cutoffs) {
        auto dot = what.find('.');
        out["cutoffs"].push_back({{"table", what.substr(0, dot)},
                                  {"column", dot == std::string::npos ? "" : what.substr(dot + 1)},
                                  {"before", iso_time(before)}});
    }
}

nlohmann::json counts_object(const Counts& c) {
    nlohmann::json o = nlohmann::json::object();
    for (const auto& [k, v] : c.by_name) o[k] = v;
    return o;
}

// Preview must not write: the job contract says dry-run writes nothing, and query_only turns a
// job that breaks it into a loud error instead of a silent change made by a "preview".
class QueryOnly {
public:
    explicit QueryOnly(Db& db) : db_(db) { db_.set_query_only(true); }
    ~QueryOnly() {
        try { db_.set_query_only(false); } catch (...) {}
    }

private:
    Db& db_;
};

std::string run_note(Db& db, int64_t run_id) {
    Statement q(db, "SELECT coalesce(error, '') FROM job_runs WHERE id = ?");
    q.bind(1, run_id);
    return q.step() ? q.column(0).as_text() : "";
}

}  // namespace

std::vector<const JobDef*> cleanup_jobs(const std::string& job) {
    std::vector<const JobDef*> out;
    for (const auto& j : job_registry())
        if (is_cleanup(j) && (job.empty() || job == j.name)) out.push_back(&j);
    if (!job.empty() && out.empty()) {
        const JobDef* other = find_job(job);
        if (other) throw Error(kExitUsage, "job '" + job + "' is not a cleanup job (group " + other->group + ")");
        std::vector<std::string> names;
        for (const auto& j : job_registry())
            if (is_cleanup(j)) names.push_back(j.name);
        std::string hint = did_you_mean(job, names);
        throw Error(kExitUsage, "unknown cleanup job '" + job + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    std::stable_sort(out.begin(), out.end(), [](const JobDef* a, const JobDef* b) { return a->priority > b->priority; });
    return out;
}

int64_t parse_age(const std::string& text, const std::string& what) {
    std::string err;
    auto d = parse_duration(text, &err);
    if (!d) throw Error(kExitUsage, what + ": " + err);
    return *d;
}

nlohmann::json cleanup_preview(Db& db, const Config& config, const CleanupRequest& req) {
    auto jobs = cleanup_jobs(req.job);
    nlohmann::json out = {{"now", iso_time(req.now)}, {"jobs", nlohmann::json::array()}, {"total", 0}};
    out["olderThan"] = req.older_than ? nlohmann::json(format_duration(*req.older_than)) : nlohmann::json(nullptr);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config.duration("general", "time_budget"));
    int64_t total = 0;
    QueryOnly guard(db);
    for (const JobDef* j : jobs) {
        // The job's own function in dry-run: the same selection `run --dry-run` makes, minus the
        // lease and the history row (a preview is a question, not a run).
        JobContext ctx(db, config, j->name, req.now, DryRun::yes, deadline);
        ctx.older_than_override = req.older_than;
        nlohmann::json row = {{"job", j->name}, {"enabled", config.boolean(std::string("job.") + j->name, "enabled")}};
        try {
            Outcome o = j->fn(ctx);
            if (o == Outcome::failed) row["error"] = ctx.note.empty() ? "job failed" : ctx.note;
        } catch (const std::exception& e) {
            row["error"] = e.what();
        }
        put_cutoffs(row, ctx.counts);
        row["wouldDelete"] = counts_object(ctx.counts);
        row["total"] = ctx.counts.examined;
        total += ctx.counts.examined;
        out["jobs"].push_back(row);
    }
    out["total"] = total;
    return out;
}

CleanupExecution cleanup_execute(Db& db, const Config& config, const CleanupRequest& req, Trigger trigger,
                                 DryRun dry_run, std::chrono::steady_clock::time_point deadline) {
    if (req.older_than && req.job.empty())
        throw Error(kExitUsage, "an age override needs a job: name one (job / --job), one age for every cleanup job is never meant");
    auto jobs = cleanup_jobs(req.job);
    CleanupExecution ex;
    nlohmann::json list = nlohmann::json::array(), not_started = nlohmann::json::array(), disabled = nlohmann::json::array();
    int64_t total = 0;
    bool success = true;
    for (const JobDef* j : jobs) {
        if (req.job.empty() && !config.boolean(std::string("job.") + j->name, "enabled")) {
            disabled.push_back(j->name);
            continue;
        }
        if (g_stop_signal.load() || std::chrono::steady_clock::now() >= deadline) {
            not_started.push_back(j->name);
            continue;
        }
        RunOptions ro;
        ro.trigger = trigger;
        ro.dry_run = dry_run;
        ro.now = req.now;
        ro.deadline = deadline;
        ro.older_than = req.older_than;
        RunResult r = run_job(db, config, *j, ro);
        nlohmann::json row = {{"job", j->name}, {"runId", r.run_id}, {"outcome", r.exit_reason == "signal" ? "interrupted" : outcome_name(r.outcome)},
                              {"exitReason", r.exit_reason}, {"deleted", counts_object(r.counts)},
                              {"total", dry_run == DryRun::yes ? r.counts.examined : r.counts.changed},
                              {"durationMs", r.duration_ms}, {"reason", nullptr}, {"error", nullptr}};
        put_cutoffs(row, r.counts);
        if (r.outcome == Outcome::skipped) row["reason"] = run_note(db, r.run_id);
        if (r.outcome == Outcome::failed) row["error"] = r.error;
        if (!r.result.empty()) row["result"] = r.result;
        success &= r.outcome == Outcome::done || r.outcome == Outcome::more;
        total += row["total"].get<int64_t>();
        list.push_back(row);
        ex.runs.push_back(r);
    }
    ex.json = {{"dryRun", dry_run == DryRun::yes}, {"trigger", trigger_name(trigger)}, {"success", success},
               {"jobs", list}, {"totalDeleted", total}, {"notStarted", not_started}, {"disabled", disabled}};
    return ex;
}

nlohmann::json cleanup_history(Db& db, int64_t limit) {
    std::vector<std::string> names;
    for (const JobDef* j : cleanup_jobs("")) names.push_back(j->name);
    return {{"runs", recent_runs(db, names, limit)}};
}

nlohmann::json cleanup_status(Db& db) {
    std::vector<std::string> names;
    for (const JobDef* j : cleanup_jobs("")) names.push_back(j->name);
    nlohmann::json out = running_and_conflicting(db, cleanup_jobs(""));
    auto last = recent_runs(db, names, 1, /*finished_only=*/true);
    out["lastRun"] = last.empty() ? nlohmann::json(nullptr) : last[0];
    out["cleanupJobs"] = names;
    return out;
}

}  // namespace mj
