#include "core/due.h"

#include <algorithm>
#include <climits>
#include <ctime>
#include <map>

#include "core/job_catalogue.h"
#include "core/log.h"
#include "core/queue_samples.h"

namespace mj {

std::vector<DueJob> load_due_state(Db& db, const Config& config) {
    struct Stored { int64_t next = 0; bool starved = false; int64_t got_ms = 0; };
    std::map<std::string, Stored> stored;
    // A NULL next_due_at (a row written by `run` or by a job's cursor before any tick) counts as
    // never scheduled, like a missing row.
    Statement q(db,
                "SELECT s.job, coalesce(s.next_due_at, 0), coalesce(r.exit_reason, ''), coalesce(r.duration_ms, 0) "
                "FROM job_state s LEFT JOIN job_runs r ON r.id = s.last_run_id");
    while (q.step())
        stored[q.column(0).as_text()] = {q.column(1).as_int64(), q.column(2).as_text() == "budget reached",
                                              q.column(3).as_int64()};
    std::vector<DueJob> out;
    for (const auto& j : job_registry()) {
        if (!config.boolean(std::string("job.") + j.name, "enabled")) continue;
        auto schedule = job_schedule(config, j);
        if (!schedule) continue;  // off
        const Stored st = stored.count(j.name) ? stored[j.name] : Stored{};
        out.push_back({&j, st.next, schedule->early_tolerance(), st.starved, st.got_ms});
    }
    std::stable_sort(out.begin(), out.end(), [](const DueJob& a, const DueJob& b) {
        if (a.starved != b.starved) return a.starved;
        // Among starved jobs the one its last run gave the least time goes first, so two busy jobs
        // take turns at the head instead of the higher priority one always going first.
        if (a.starved && a.last_run_ms != b.last_run_ms) return a.last_run_ms < b.last_run_ms;
        return a.job->priority > b.job->priority;
    });
    return out;
}

namespace {

// First due time of a never-scheduled job with an explicit time, stored so that later ticks wait
// for it (a concurrent tick that stored one already wins: WHERE next_due_at IS NULL).
void store_first_due(Db& db, const std::string& job, int64_t first) {
    db.write([&] {
        Statement u(db,
                    "INSERT INTO job_state(job, next_due_at) VALUES(?1, ?2) ON CONFLICT(job) DO UPDATE "
                    "SET next_due_at = ?2 WHERE job_state.next_due_at IS NULL");
        u.bind(1, job);
        u.bind(2, first);
        u.exec();
    });
}

struct Turn { const JobDef* job; int64_t due_at; };

// Rule 5 (due.h): after the last job, one more turn for each job with a follow-up probe whose
// latest turn ended done and whose queue holds rows it could take now, in tick order, while budget
// is left. A probe that fails (a busy database) only costs the follow-up: logged, the tick goes on.
template <class Run>
void follow_up_turns(Db& db, const Config& config, const std::vector<Turn>& due,
                     const std::map<const JobDef*, Outcome>& last_outcome, Run run, int64_t now,
                     std::chrono::steady_clock::time_point deadline) {
    for (const Turn& t : due) {
        if (!t.job->follow_up) continue;
        auto it = last_outcome.find(t.job);
        if (it == last_outcome.end() || it->second != Outcome::done) continue;  // it had no turn, or left work anyway
        if (g_stop_signal.load() || std::chrono::steady_clock::now() >= deadline) return;
        int64_t waiting = 0;
        try {
            waiting = t.job->follow_up(db, config, now);
        } catch (const std::exception& e) {
            logger().log(Level::warn, "follow_up_probe_failed", {{"error", e.what()}}, t.job->name);
            continue;
        }
        if (waiting <= 0) continue;
        logger().log(Level::info, "follow_up_turn", {{"due", waiting}, {"reason", "queued after its turn in this tick"}},
                     t.job->name);
        run(t);
    }
}

}  // namespace

void record_tick(Db& db, int64_t wall_now) {
    db.write([&] {
        Statement u(db,
                    "INSERT INTO job_state(job, last_started_at) VALUES(?1, ?2) ON CONFLICT(job) DO UPDATE "
                    "SET last_finished_at = job_state.last_started_at, last_started_at = ?2");
        u.bind(1, kTickStateRow);
        u.bind(2, wall_now);
        u.exec();
    });
}

TickHealth tick_health(Db& db, const Config& config, int64_t now) {
    TickHealth h;
    h.worker = config.str("general", "mode") == "worker";
    h.interval = config.duration("general", h.worker ? "worker_interval" : "cron_interval");
    h.last_at = last_tick_at(db);
    h.stale = h.last_at == 0 || now - h.last_at > kTickStaleIntervals * h.interval;
    return h;
}

void make_due_now(Db& db, const std::string& job, int64_t now) {
    db.write([&] {
        Statement u(db, "INSERT INTO job_state(job, next_due_at) VALUES(?1, ?2) ON CONFLICT(job) DO UPDATE SET next_due_at = ?2");
        u.bind(1, job);
        u.bind(2, now);
        u.exec();
    });
}

int64_t last_tick_at(Db& db) { return db.scalar("SELECT last_started_at FROM job_state WHERE job = ?", kTickStateRow); }

std::vector<RunResult> run_due_jobs(Db& db, const Config& config, Trigger trigger, int64_t now,
                                    std::chrono::steady_clock::time_point deadline) {
    record_tick(db, static_cast<int64_t>(std::time(nullptr)));  // the wall clock, not --now: is cron alive?
    record_queue_samples(db, now);  // the dashboard's queue-depth chart (core/queue_samples.h)
    const std::string& tz = config.str("general", "timezone");
    std::vector<Turn> due;
    for (const auto& d : load_due_state(db, config)) {
        int64_t at = d.next_due_at;
        if (at == 0) {
            auto s = job_schedule(config, *d.job);
            at = s ? s->first_due(now, d.job->name, tz) : 0;
            if (at > now) {
                store_first_due(db, d.job->name, at);
                logger().log(Level::info, "first_due", {{"at", iso_time(at)}}, d.job->name);
                continue;
            }
        }
        if (at > now && at - now > d.early_tolerance) continue;
        due.push_back({d.job, at});
    }

    // The share rule (due.h). `waiting` counts the turns not yet started in this pass.
    std::vector<RunResult> results;
    std::map<const JobDef*, Outcome> last_outcome;  // how each job's latest turn in this tick ended
    auto base = [&](const Turn& t) {
        RunOptions o;
        o.trigger = trigger;
        o.now = now;
        o.update_schedule = true;
        o.due_at = t.due_at;
        return o;
    };
    auto pass = [&](const std::vector<Turn>& turns, bool first_pass) {
        std::vector<Turn> cut_short;
        for (size_t i = 0; i < turns.size(); ++i) {
            if (g_stop_signal.load()) break;
            const auto start = std::chrono::steady_clock::now();
            if (start >= deadline) {
                if (!first_pass) break;  // they had a turn; "budget reached" puts them first next time
                nlohmann::json names = nlohmann::json::array();
                for (size_t k = i; k < turns.size(); ++k) names.push_back(turns[k].job->name);
                logger().log(Level::info, "budget_spent", {{"not_started", names}});
                for (size_t k = i; k < turns.size(); ++k) results.push_back(record_left_out(db, *turns[k].job, base(turns[k])));
                break;
            }
            // First turns share what is left; second turns each get all that is left (a job that
            // must not start a send its timeout would not fit in needs a whole slice, not a
            // share of a share); those it leaves out go first next tick.
            // Waiting: this job, the ones after it, and those already waiting for a second turn.
            const int64_t waiting = static_cast<int64_t>(turns.size() - i + cut_short.size());
            RunOptions o = base(turns[i]);
            o.turn_again = !first_pass;
            o.deadline = !first_pass || waiting == 1 ? deadline : start + (deadline - start) / waiting;
            results.push_back(run_job(db, config, *turns[i].job, o));
            const RunResult& r = results.back();
            last_outcome[turns[i].job] = r.outcome;
            if (first_pass && r.outcome == Outcome::more && r.exit_reason == "budget reached" && o.deadline < deadline)
                cut_short.push_back(turns[i]);
        }
        return cut_short;
    };
    auto again = pass(due, true);
    // Second turns only with budget left: what the first turns did not need.
    if (!again.empty() && !g_stop_signal.load() && std::chrono::steady_clock::now() < deadline) pass(again, false);
    follow_up_turns(db, config, due, last_outcome, [&](const Turn& t) {
        RunOptions o = base(t);
        o.turn_again = true;
        o.deadline = deadline;
        results.push_back(run_job(db, config, *t.job, o));
    }, now, deadline);
    return results;
}

int64_t earliest_due(Db& db, const Config& config) {
    int64_t best = INT64_MAX;
    for (const auto& d : load_due_state(db, config)) best = std::min(best, d.next_due_at - d.early_tolerance);
    return best;
}

}  // namespace mj
