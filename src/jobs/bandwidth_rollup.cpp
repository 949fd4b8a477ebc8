// bandwidth-rollup (BJ-10). The design is in bandwidth_rollup.h.
#include "jobs/bandwidth_rollup.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "core/billing_cycle.h"
#include "retention/batch_sizer.h"
#include "retention/engine.h"
#include "retention/purge_connection.h"

namespace mj {
namespace {

constexpr int64_t kDay = 86400, kWeek = 7 * kDay;
// Raw rows per chunk of the watermark walk: a read of ~50 ms at most; the windows it touches are
// then recomputed in batches of batch_size windows, one short transaction each.
constexpr int64_t kChunkRows = 50000;

using Window = std::pair<int64_t, int64_t>;  // (user_id, day start)

struct Sums {
    int64_t rows = 0, bytes = 0, emails = 0;
};

class Rollup {
public:
    explicit Rollup(JobContext& ctx)
        : ctx_(ctx),
          sums_(ctx.db, "SELECT count(*), coalesce(sum(bytes), 0), coalesce(sum(emails), 0) FROM bandwidth_usage "
                        "WHERE user_id = ?1 AND recorded_at >= ?2 AND recorded_at < ?2 + 86400"),
          sizer_(BatchSizer::for_batch_size(ctx.cfg_int("batch_size"), ctx.db.max_transaction_us())),
          connection_(ctx.db) {}

    // Recomputes `windows` in batches; `last_txn` runs inside the last batch's transaction (the
    // watermark). False when the job must stop (the rest is left for the next run).
    // Batches are written as the purge engine's are (purge_connection.h, batch_sizer.h): the number
    // of windows per transaction adapts to ~12 ms of lock, the writers' gap follows each commit and
    // WAL checkpoints run on their own thread. With a fixed 250 windows and the connection's own
    // checkpoints, the first run over 1M rows held the lock up to 49 ms (the commits that met an
    // automatic checkpoint, and windows of busy days costing 3x the average).
    bool recompute(const std::vector<Window>& windows, const std::function<void()>& last_txn) {
        if (windows.empty()) {
            if (last_txn && !ctx_.dry_run) ctx_.db.write(last_txn);
            return true;
        }
        for (size_t at = 0, end = 0; at < windows.size(); at = end) {
            end = std::min(windows.size(), at + static_cast<size_t>(sizer_.size()));
            std::vector<std::pair<Window, Sums>> batch;
            for (size_t i = at; i < end; ++i) batch.emplace_back(windows[i], sum(windows[i]));
            const bool last = end == windows.size();
            if (ctx_.dry_run) count_would_change(batch);
            else {
                connection_.write(ctx_.db, [&] {
                    write_batch(batch);
                    if (last && last_txn) last_txn();
                });
                sizer_.record(static_cast<int64_t>(batch.size()), ctx_.db.last_txn_us());
                ctx_.debug("batch", {{"windows", batch.size()}, {"txn_us", ctx_.db.last_txn_us()}, {"wal_frames", connection_.wal_frames()}});
            }
            ctx_.counts.examined += static_cast<int64_t>(batch.size());
            ctx_.counts.add("windows", static_cast<int64_t>(batch.size()));
            if (!last && ctx_.should_stop()) return false;
        }
        return true;
    }

private:
    Sums sum(const Window& w) {
        sums_.reset();
        sums_.bind(1, w.first);
        sums_.bind(2, w.second);
        sums_.step();
        Sums s{sums_.column(0).as_int64(), sums_.column(1).as_int64(), sums_.column(2).as_int64()};
        sums_.reset();
        return s;
    }

    // Inside the batch transaction: each day row set to its recomputed totals (written only when
    // they differ, so a rerun changes nothing), a day without rows removed, and each week touched
    // recomputed from its day rows.
    void write_batch(const std::vector<std::pair<Window, Sums>>& batch) {
        Statement up(ctx_.db,
                     "INSERT INTO bandwidth_rollups(user_id, period, period_start, bytes_used, email_count, updated_at) "
                     "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(user_id, period, period_start) DO UPDATE SET "
                     "bytes_used = excluded.bytes_used, email_count = excluded.email_count, updated_at = excluded.updated_at "
                     "WHERE bandwidth_rollups.bytes_used <> excluded.bytes_used OR bandwidth_rollups.email_count <> excluded.email_count");
        Statement del(ctx_.db, "DELETE FROM bandwidth_rollups WHERE user_id = ?1 AND period = ?2 AND period_start = ?3");
        Statement week(ctx_.db,
                       "SELECT count(*), coalesce(sum(bytes_used), 0), coalesce(sum(email_count), 0) FROM bandwidth_rollups "
                       "WHERE user_id = ?1 AND period = 'day' AND period_start >= ?2 AND period_start < ?2 + 604800");
        int64_t changed = 0;
        auto put = [&](int64_t user, const char* period, int64_t start, const Sums& s) {
            Statement& q = s.rows ? up : del;
            q.reset();
            q.bind(1, user);
            q.bind(2, std::string(period));
            q.bind(3, start);
            if (s.rows) {
                q.bind(4, s.bytes);
                q.bind(5, s.emails);
                q.bind(6, ctx_.now);
            }
            changed += q.exec();
            q.reset();
        };
        std::set<Window> weeks;
        for (const auto& [w, s] : batch) {
            put(w.first, "day", w.second, s);
            weeks.insert({w.first, utc_week_start(w.second)});
        }
        for (const auto& w : weeks) {
            week.reset();
            week.bind(1, w.first);
            week.bind(2, w.second);
            week.step();
            Sums s{week.column(0).as_int64(), week.column(1).as_int64(), week.column(2).as_int64()};
            week.reset();
            put(w.first, "week", w.second, s);
        }
        ctx_.counts.changed += changed;
        ctx_.counts.add("bandwidth_rollups", changed);
    }

    // Dry run: the day rows a run would write or remove, and their weeks. A week row changes when
    // one of its days does (its total is theirs), so each (user, week) with a changed day counts
    // once per run; the set holds at most users x weeks of the data, not its rows.
    void count_would_change(const std::vector<std::pair<Window, Sums>>& batch) {
        Statement q(ctx_.db, "SELECT bytes_used, email_count FROM bandwidth_rollups WHERE user_id = ?1 AND period = 'day' "
                             "AND period_start = ?2");
        int64_t n = 0;
        for (const auto& [w, s] : batch) {
            q.reset();
            q.bind(1, w.first);
            q.bind(2, w.second);
            const bool found = q.step();
            if (found ? (!s.rows || q.column(0).as_int64() != s.bytes || q.column(1).as_int64() != s.emails) : s.rows > 0) {
                ++n;
                if (dry_weeks_.insert({w.first, utc_week_start(w.second)}).second) ++n;
            }
        }
        q.reset();
        ctx_.counts.changed += n;
        ctx_.counts.add("bandwidth_rollups", n);
    }

    JobContext& ctx_;
    Statement sums_;
    BatchSizer sizer_;
    PurgeConnection connection_;
    std::set<Window> dry_weeks_;  // (user, week start) counted by the dry run
};

// The windows of rows (after, upto] that may still be recomputed (day >= closed); the rows of
// earlier days are counted as late_rows_ignored.
std::vector<Window> chunk_windows(JobContext& ctx, int64_t after, int64_t upto, int64_t closed) {
    std::vector<Window> out;
    Statement q(ctx.db, "SELECT DISTINCT recorded_at - recorded_at % 86400 AS day, user_id FROM bandwidth_usage "
                        "WHERE id > ?1 AND id <= ?2 AND recorded_at >= ?3");
    q.bind_all(after, upto, closed);
    while (q.step()) out.emplace_back(q.column(1).as_int64(), q.column(0).as_int64());
    q.reset();
    std::sort(out.begin(), out.end(), [](const Window& a, const Window& b) {
        return a.second != b.second ? a.second < b.second : a.first < b.first;  // by day: that day's pages stay cached
    });
    const int64_t late = ctx.db.scalar("SELECT count(*) FROM bandwidth_usage WHERE id > ?1 AND id <= ?2 AND recorded_at < ?3",
                                       after, upto, closed);
    if (late) {
        ctx.counts.add("late_rows_ignored", late);
        ctx.warn("late_rows_ignored", {{"rows", late}, {"closed_before", iso_time(closed)}});
    }
    return out;
}

// Every window of the lateness stretch: days with raw rows, and day rows whose raw rows are gone
// (the application deleted them), less those this run already recomputed.
std::vector<Window> lateness_windows(JobContext& ctx, int64_t from, const std::set<Window>& done) {
    std::set<Window> all;
    Statement raw(ctx.db, "SELECT DISTINCT user_id, recorded_at - recorded_at % 86400 FROM bandwidth_usage WHERE recorded_at >= ?1");
    raw.bind(1, from);
    while (raw.step()) all.insert({raw.column(0).as_int64(), raw.column(1).as_int64()});
    raw.reset();
    Statement days(ctx.db, "SELECT user_id, period_start FROM bandwidth_rollups WHERE period = 'day' AND period_start >= ?1");
    days.bind(1, from);
    while (days.step()) all.insert({days.column(0).as_int64(), days.column(1).as_int64()});
    days.reset();
    std::vector<Window> out;
    for (const auto& w : all)
        if (!done.count(w)) out.push_back(w);
    return out;
}

// Deletes rollups of `period` older than `before` in short keyset batches, sized and spaced as the
// purge engine's (the table has no rowid, so the engine's rowid batches do not apply).
bool purge_rollups(JobContext& ctx, const char* period, int64_t before) {
    const std::string p = period;
    if (ctx.dry_run) {
        const int64_t n = ctx.db.scalar("SELECT count(*) FROM bandwidth_rollups WHERE period = ?1 AND period_start < ?2", p, before);
        ctx.counts.add("bandwidth_rollups_deleted", n);
        return true;
    }
    BatchSizer sizer(BatchSizer::for_batch_size(ctx.cfg_int("batch_size"), ctx.db.max_transaction_us()));
    PurgeConnection connection(ctx.db);
    for (;;) {
        const int64_t batch = sizer.size();
        int n = 0;
        connection.write(ctx.db, [&] {
            Statement q(ctx.db, "DELETE FROM bandwidth_rollups WHERE (user_id, period, period_start) IN (SELECT user_id, period, "
                                "period_start FROM bandwidth_rollups WHERE period = ?1 AND period_start < ?2 LIMIT ?3)");
            q.bind_all(p, before, batch);
            n = q.exec();
        });
        sizer.record(n, ctx.db.last_txn_us());
        ctx.counts.add("bandwidth_rollups_deleted", n);
        ctx.counts.changed += n;
        if (n < batch) return true;
        if (ctx.should_stop()) return false;
    }
}

// Steps 1-3 of the run (below); false when the job must stop with more to do. `after` ends at the
// watermark, `new_closed` at the day before which raw rows may go.
bool roll_up(JobContext& ctx, nlohmann::json& cur, int64_t& after, int64_t closed, int64_t& new_closed) {
    Rollup rollup(ctx);

    // 1. The rows added since the watermark, chunk by chunk.
    const int64_t top = ctx.db.scalar("SELECT coalesce(max(id), 0) FROM bandwidth_usage");
    std::set<Window> done;
    while (after < top) {
        int64_t upto = ctx.db.scalar("SELECT id FROM bandwidth_usage WHERE id > ?1 ORDER BY id LIMIT 1 OFFSET ?2", after, kChunkRows - 1);
        if (upto == 0 || upto > top) upto = top;
        std::vector<Window> windows = chunk_windows(ctx, after, upto, closed);
        done.insert(windows.begin(), windows.end());
        nlohmann::json next = cur;
        next["after_id"] = upto;
        const bool finished = rollup.recompute(windows, [&] { ctx.cursor_set_in_txn(next); });
        if (!finished) return false;
        cur = next;
        after = upto;
        if (after < top && ctx.should_stop()) return false;
    }
    ctx.result["watermark"] = after;

    // 2. The lateness stretch.
    const int64_t from = std::max(closed, utc_day_start(ctx.now - ctx.cfg_duration("lateness")));
    if (!rollup.recompute(lateness_windows(ctx, from, done), nullptr)) return false;
    if (ctx.should_stop()) return false;

    // 3. A complete pass: what the dashboard and the purge may rely on.
    new_closed = std::max(closed, utc_day_start(ctx.now - ctx.cfg_duration("raw_retention")));
    cur["complete_before"] = std::max(cur.value("complete_before", int64_t{0}), utc_day_start(ctx.now));
    cur["closed_before"] = new_closed;
    if (!ctx.dry_run) ctx.db.write([&] { ctx.cursor_set_in_txn(cur); });
    return true;
}

}  // namespace

Outcome bandwidth_rollup(JobContext& ctx) {
    nlohmann::json cur = ctx.cursor();
    int64_t after = cur.value("after_id", int64_t{0});
    const int64_t closed = cur.value("closed_before", int64_t{0});
    int64_t new_closed = closed;
    if (!roll_up(ctx, cur, after, closed, new_closed)) return Outcome::more;

    // 4. Raw rows rolled up and past raw_retention, then rollups past theirs.
    Policy raw;
    raw.name = "bandwidth_usage";
    raw.table = "bandwidth_usage";
    raw.time_column = "recorded_at";
    raw.cutoff = new_closed;
    raw.filter = "id <= " + std::to_string(after);
    if (!purge(ctx, raw).finished || ctx.should_stop()) return Outcome::more;
    if (!purge_rollups(ctx, "day", utc_day_start(ctx.now - ctx.cfg_duration("day_retention")))) return Outcome::more;
    if (!purge_rollups(ctx, "week", utc_week_start(ctx.now - ctx.cfg_duration("week_retention")))) return Outcome::more;
    return Outcome::done;
}

}  // namespace mj
