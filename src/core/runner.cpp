#include "core/runner.h"

#include <algorithm>
#include <climits>

#include "core/error.h"
#include "core/job_catalogue.h"
#include "core/lease.h"
#include "core/log.h"
#include "core/run_hooks.h"  // issue 5: monitoring pings at run start and end, operator alerts after
#include "core/schedule.h"

namespace mj {

std::vector<std::string> conflicts_of(const JobDef& job) {
    std::vector<std::string> out(job.conflicts.begin(), job.conflicts.end());
    for (const auto& other : job_registry())
        for (const char* c : other.conflicts)
            if (job.name == std::string(c)) out.push_back(other.name);
    return out;
}

namespace {

std::string counts_json(const Counts& c) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : c.by_name) j[k] = v;
    return j.dump();
}

int64_t insert_run(Db& db, const JobDef& job, const RunOptions& o, const std::string& owner) {
    Statement q(db,
                "INSERT INTO job_runs(job, trigger, started_at, outcome, dry_run, owner, clock_at) "
                "VALUES(?, ?, ?, 'running', ?, ?, ?)");
    q.bind(1, job.name);
    q.bind(2, trigger_name(o.trigger));
    q.bind(3, wall_now());
    q.bind(4, o.dry_run == DryRun::yes ? 1 : 0);
    q.bind(5, owner);
    q.bind(6, o.now);
    q.exec();
    return db.last_insert_id();
}

void finish_run(Db& db, const RunResult& r, const std::string& outcome, int64_t max_txn_ms, const std::string& note) {
    Statement q(db,
                "UPDATE job_runs SET finished_at = ?, outcome = ?, exit_reason = ?, examined = ?, changed = ?, "
                "counts = ?, error = ?, duration_ms = ?, max_txn_ms = ? WHERE id = ?");
    q.bind(1, wall_now());
    q.bind(2, outcome);
    q.bind(3, r.exit_reason);
    q.bind(4, r.counts.examined);
    q.bind(5, r.counts.changed);
    q.bind(6, counts_json(r.counts));
    std::string err = !r.error.empty() ? r.error : note;
    if (err.empty()) q.bind(7); else q.bind(7, err);
    q.bind(8, r.duration_ms);
    q.bind(9, max_txn_ms);
    q.bind(10, r.run_id);
    q.exec();
}

void update_state(Db& db, const JobDef& job, const RunResult& r, const RunOptions& o, int64_t next, int64_t started) {
    bool failed = r.outcome == Outcome::failed;
    bool skipped = r.outcome == Outcome::skipped;
    Statement q(db,
                "INSERT INTO job_state(job, next_due_at, last_run_id, last_outcome, last_started_at, last_finished_at, consecutive_failures) "
                "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(job) DO UPDATE SET "
                "next_due_at = CASE WHEN ?8 = 1 THEN ?2 ELSE job_state.next_due_at END, last_run_id = ?3, last_outcome = ?4, "
                "last_started_at = ?5, last_finished_at = ?6, "
                "consecutive_failures = CASE WHEN ?9 = 1 THEN job_state.consecutive_failures + 1 "
                "WHEN ?10 = 1 THEN job_state.consecutive_failures ELSE 0 END");
    q.bind(1, job.name);
    if (o.update_schedule) q.bind(2, next); else q.bind(2);
    q.bind(3, r.run_id);
    q.bind(4, outcome_name(r.outcome));
    q.bind(5, started);
    q.bind(6, wall_now());
    q.bind(7, failed ? 1 : 0);
    q.bind(8, o.update_schedule ? 1 : 0);
    q.bind(9, failed ? 1 : 0);
    q.bind(10, skipped ? 1 : 0);
    q.exec();
}

}  // namespace

std::optional<Schedule> job_schedule(const Config& config, const JobDef& job) {
    const std::string& text = config.str("job." + std::string(job.name), "schedule");
    if (text == "off") return std::nullopt;
    std::string err;
    return Schedule::parse(text, &err);  // validated at load: never nullopt here for a bad text
}

int64_t next_due(const Config& config, const JobDef& job, int64_t due, int64_t now) {
    auto s = job_schedule(config, job);
    if (!s) return INT64_MAX;
    return s->next_due(due, now, job.name, config.str("general", "timezone"));
}

RunResult run_job(Db& db, const Config& config, const JobDef& job, const RunOptions& o) {
    auto t0 = std::chrono::steady_clock::now();
    int64_t started = wall_now();
    RunResult r;
    const std::string job_name = job.name;
    JobContext ctx(db, config, job_name, o.now, o.dry_run, o.deadline);
    ctx.trigger = o.trigger;
    ctx.older_than_override = o.older_than;
    ctx.domain = o.domain;
    db.reset_txn_stats();

    // (1) lease + conflicts + history row, one short transaction. Dry-run takes no lease: it
    // writes nothing but its history row, so it cannot disturb a real run.
    int64_t remaining_s = std::max<int64_t>(1, ctx.remaining_ms() / 1000 + 1);
    int64_t ttl = remaining_s + config.duration("general", "lease_grace");
    std::optional<Lease> lease;
    LeaseHolder holder;
    std::string conflict_with;
    Lease::set_host(config.str("general", "host_id"));
    std::string owner = Lease::make_owner_token();
    // A queue job may have several runs at once, one a lease slot (core/lease.h).
    const int slots = job.shares_queue ? static_cast<int>(config.integer("job." + job_name, "parallel_runs")) : 1;
    bool served = false;
    db.write([&] {
        // Once per due time across every tick and worker (issue 19): a run whose due time another
        // run already served (it finished and stored a later one while this tick or worker was
        // on its way here; for a job never run, due_at 0, any stored one) does not run and
        // writes nothing. Read in the lease's transaction, so
        // of two hosts that race for one due time the second sees the first's lease or its
        // stored next due time.
        if (o.dry_run == DryRun::no && o.update_schedule && !o.turn_again) {
            Statement q(db, "SELECT coalesce(next_due_at, 0) FROM job_state WHERE job = ?");
            q.bind(1, job_name);
            if (q.step() && q.column(0).as_int64() > o.due_at) { served = true; return; }
        }
        if (o.dry_run == DryRun::no) {
            lease = Lease::acquire_in_txn(db, job.name, ttl, &holder, slots);
            if (lease) {
                owner = lease->owner();
                for (const auto& c : conflicts_of(job))
                    if (Lease::live_holder(db, c)) { conflict_with = c; break; }
            }
        }
        r.run_id = insert_run(db, job, o, owner);
        if (lease && conflict_with.empty()) lease->set_run_id(r.run_id);
        if (lease && !conflict_with.empty()) { lease->release_in_txn(); lease.reset(); }
    });
    if (served) {
        r.outcome = Outcome::skipped;
        r.exit_reason = "already run";
        ctx.info("already_run", {{"due_at", o.due_at}});
        return r;
    }
    ctx.run_id = r.run_id;
    ctx.lease = lease ? &*lease : nullptr;

    std::string outcome_text;
    const bool monitored = ctx.lease != nullptr;  // issue 5: a real run that holds its lease (no dry run, no skip)
    RunWatches watches;
    if (o.dry_run == DryRun::no && !lease) {
        r.outcome = Outcome::skipped;
        r.exit_reason = conflict_with.empty() ? "lock held" : "conflict";
        ctx.note = conflict_with.empty()
                       ? "held by " + holder.owner + " (run " + std::to_string(holder.run_id) + ", heartbeat " +
                             std::to_string(wall_now() - holder.heartbeat_at) + "s ago)"
                       : "conflicting job " + conflict_with + " is running";
        ctx.info(conflict_with.empty() ? "lock_held" : "conflict", {{"reason", ctx.note}});
    } else {
        ctx.info("run_start", {{"trigger", trigger_name(o.trigger)}, {"dry_run", o.dry_run == DryRun::yes}, {"clock", iso_time(o.now)}});
        if (monitored) watches = RunWatches::start({config, job_name, r.run_id});  // issue 5; never fails the run
        try {
            // Every write transaction of the job first checks the lease (lease.h): after
            // `unlock --force` it throws LeaseLost ("lease lost: ...") and nothing more is committed.
            LeaseWriteCheck lease_check(db, ctx.lease);
            r.outcome = job.fn(ctx);
        } catch (const std::exception& e) {
            r.outcome = Outcome::failed;
            r.error = e.what();
        }
        if (ProgressObserver* p = progress_observer()) p->end(ctx);  // issue 16: the live line's last state
        if (r.outcome == Outcome::more && ctx.stop_reason().empty()) ctx.should_stop();
        if (r.outcome == Outcome::done) r.exit_reason = "done";
        else if (r.outcome == Outcome::failed) r.exit_reason = "error";
        else if (r.outcome == Outcome::skipped) r.exit_reason = "conflict";
        else r.exit_reason = ctx.stop_reason() == "signal" ? "signal" : (ctx.stop_reason() == "lease lost" ? "error" : "budget reached");
        if (ctx.stop_reason() == "lease lost") { r.outcome = Outcome::failed; r.error = "lease lost: another process took over this job"; }
    }
    if (r.outcome == Outcome::failed && r.error.empty()) r.error = ctx.note.empty() ? "job failed" : ctx.note;
    outcome_text = r.exit_reason == "signal" ? "interrupted" : outcome_name(r.outcome);
    r.counts = ctx.counts;
    r.result = ctx.result;
    r.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();

    // (3) record and release, one short transaction. The next due time is computed from the job's
    // clock, so a tick after three missed days runs a daily job once, not three times. A run cut
    // short (more) stays due at the slot it served, so an interval keeps its grid (issue 12.6)
    // and the next tick gives it its turn first (issue 12.5, core/due.cpp).
    int64_t next;
    if (r.outcome == Outcome::more) {
        auto s = job_schedule(config, job);
        next = s ? s->current_slot(o.due_at, o.now, job.name) : o.now;
    } else {
        next = next_due(config, job, o.due_at, o.now);
    }
    int64_t max_txn_ms = db.max_txn_us() / 1000;
    db.write([&] {
        finish_run(db, r, outcome_text, max_txn_ms, ctx.note);
        if (o.dry_run == DryRun::no && !(r.outcome == Outcome::skipped && r.exit_reason == "lock held"))
            update_state(db, job, r, o, next, started);
        if (lease) lease->release_in_txn();
    });
    // issue 5: end ping and operator alerts (the run hooks), once the run is recorded; none can fail the run.
    if (monitored) {
        int status = r.outcome == Outcome::failed ? kExitJobFailed : r.exit_reason == "signal" ? kExitInterrupted : kExitOk;
        const std::string summary = outcome_text + (r.error.empty() ? "" : ": " + r.error);
        watches.recorded({db, config, job_name, r.run_id, r.outcome == Outcome::failed, status, summary, r.error});
    }
    nlohmann::json fields = {{"outcome", outcome_text}, {"exit_reason", r.exit_reason}, {"examined", r.counts.examined},
                             {"changed", r.counts.changed}, {"duration_ms", r.duration_ms}, {"max_txn_ms", max_txn_ms}};
    for (const auto& [k, v] : r.counts.by_name) fields["count." + k] = v;
    if (r.outcome == Outcome::failed) {
        fields["error"] = r.error;
        logger().log(Level::error, "run_end", fields, job.name, r.run_id);
    } else if (r.outcome != Outcome::skipped) {
        logger().log(Level::info, "run_end", fields, job.name, r.run_id);
    }
    return r;
}

RunResult record_left_out(Db& db, const JobDef& job, const RunOptions& o) {
    RunResult r;
    r.outcome = Outcome::skipped;
    r.exit_reason = "budget reached";
    const std::string note = "left out: the tick's time budget was spent before its turn";
    db.write([&] {
        r.run_id = insert_run(db, job, o, "");
        finish_run(db, r, "skipped", 0, note);
        Statement q(db,
                    "INSERT INTO job_state(job, last_run_id, last_outcome) VALUES(?1, ?2, 'skipped') "
                    "ON CONFLICT(job) DO UPDATE SET last_run_id = ?2, last_outcome = 'skipped'");
        q.bind(1, job.name);
        q.bind(2, r.run_id);
        q.exec();
    });
    logger().log(Level::warn, "left_out", {{"reason", note}}, job.name, r.run_id);
    return r;
}

int exit_code_for(const std::vector<RunResult>& runs, bool locks_matter) {
    bool failed = false, interrupted = false, locked = false;
    for (const auto& r : runs) {
        failed |= r.outcome == Outcome::failed;
        interrupted |= r.exit_reason == "signal";
        locked |= r.exit_reason == "lock held" || r.exit_reason == "conflict";
    }
    if (failed) return kExitJobFailed;
    if (interrupted || g_stop_signal.load()) return kExitInterrupted;
    if (locked && locks_matter) return kExitLocked;
    return kExitOk;
}

}  // namespace mj
