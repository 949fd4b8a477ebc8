// bandwidth-rollup (BJ-10). The design is in bandwidth_rollup.h.
#include "jobs/bandwidth_rollup.h"

#include <algorithm>
#include <functional>
#include <map>
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

// "(CAST(?1 AS BIGINT), CAST(?2 AS BIGINT)), (CAST(?3 AS BIGINT), ...)": `rows` rows of `width`
// integer parameters. The CASTs type the parameters bigint on PostgreSQL (in a VALUES list it
// would take them as text); on SQLite the CAST of an integer is itself.
std::string parameter_rows(size_t rows, int width) {
    std::string s;
    int n = 0;
    for (size_t r = 0; r < rows; ++r) {
        s += r ? ", (" : "(";
        for (int c = 0; c < width; ++c) s += (c ? ", CAST(?" : "CAST(?") + std::to_string(++n) + " AS BIGINT)";
        s += ")";
    }
    return s;
}

// One statement run over rows of integers, Db::rows_per_statement() rows at a time: the text for
// n rows is `text(n)`, prepared once per n and kept for the run. On PostgreSQL this is a round
// trip per 64 rows, not per row (a statement per window made the first rollup over 150000 raw rows
// take 89 s on an idle machine); on SQLite, one prepared statement run per row, as before.
class RowStatements {
public:
    RowStatements(Db& db, std::function<std::string(size_t)> text) : db_(db), text_(std::move(text)) {}
    size_t rows_per_statement() const { return static_cast<size_t>(std::max(1, db_.rows_per_statement())); }
    Statement& for_rows(size_t n) {
        auto it = prepared_.find(n);
        if (it == prepared_.end()) it = prepared_.emplace(n, Statement(db_, text_(n))).first;
        it->second.reset();
        return it->second;
    }

private:
    Db& db_;
    std::function<std::string(size_t)> text_;
    std::map<size_t, Statement> prepared_;
};

// The totals of (user, start) windows over a table's rows with start <= time < start + length;
// a window without rows gets rows = 0. One window (SQLite's rows_per_statement): one aggregate
// over one range of the (user, time) index. More: a correlated subquery per total,
// each one range of the index, because PostgreSQL planned a 64-row VALUES list LEFT JOINed with
// the table as a hash join over a scan of all of it (18 ms a chunk over 150000 rows). On SQLite
// the subqueries' three ranges a window made the rollup 1.45x slower than one range (and a VALUES
// list of one row 1.2x).
RowStatements totals_statements(Db& db, const std::string& table, const std::string& time, const std::string& extra,
                                const std::string& bytes, const std::string& emails, int64_t length) {
    return RowStatements(db, [=](size_t n) {
        auto in = [&](const std::string& u, const std::string& s) {
            return "t.user_id = " + u + " AND t." + time + " >= " + s + " AND t." + time + " < " + s + " + " + std::to_string(length) + extra;
        };
        if (n == 1) {
            const std::string u = "CAST(?1 AS BIGINT)", s = "CAST(?2 AS BIGINT)";
            return "SELECT " + u + ", " + s + ", count(*), coalesce(sum(t." + bytes + "), 0), coalesce(sum(t." + emails + "), 0) FROM " +
                   table + " t WHERE " + in(u, s);
        }
        const std::string in_window = in("w.u", "w.s");
        const std::string w = "WITH w(u, s) AS (VALUES " + parameter_rows(n, 2) + ") ";
        const std::string of = " FROM " + table + " t WHERE " + in_window + ")";
        return w + "SELECT w.u, w.s, (SELECT count(*)" + of + ", (SELECT coalesce(sum(t." + bytes + "), 0)" + of +
               ", (SELECT coalesce(sum(t." + emails + "), 0)" + of + " FROM w";
    });
}

std::map<Window, Sums> totals_of(RowStatements& statements, const std::vector<Window>& windows) {
    std::map<Window, Sums> out;
    const size_t k = statements.rows_per_statement();
    for (size_t at = 0; at < windows.size(); at += k) {
        const size_t n = std::min(k, windows.size() - at);
        Statement& q = statements.for_rows(n);
        for (size_t i = 0; i < n; ++i) {
            q.bind(static_cast<int>(2 * i + 1), windows[at + i].first);
            q.bind(static_cast<int>(2 * i + 2), windows[at + i].second);
        }
        while (q.step())
            out[{q.column(0).as_int64(), q.column(1).as_int64()}] = {q.column(2).as_int64(), q.column(3).as_int64(),
                                                                      q.column(4).as_int64()};
        q.reset();
    }
    return out;
}

// The statement that sets (user, start) rows of `period` to their totals, written only when they
// differ (so a rerun changes nothing): ?1..?5 of each row = user, start, bytes, emails, now.
RowStatements upsert_statements(Db& db, const std::string& period) {
    return RowStatements(db, [=](size_t n) {
        std::string values;
        for (size_t r = 0; r < n; ++r) {
            const int b = static_cast<int>(5 * r);
            auto p = [&](int i) { return "CAST(?" + std::to_string(b + i) + " AS BIGINT)"; };
            values += (r ? ", (" : "(") + p(1) + ", '" + period + "', " + p(2) + ", " + p(3) + ", " + p(4) + ", " + p(5) + ")";
        }
        return "INSERT INTO bandwidth_rollups(user_id, period, period_start, bytes_used, email_count, updated_at) VALUES " + values +
               " ON CONFLICT(user_id, period, period_start) DO UPDATE SET bytes_used = excluded.bytes_used, "
               "email_count = excluded.email_count, updated_at = excluded.updated_at WHERE "
               "bandwidth_rollups.bytes_used <> excluded.bytes_used OR bandwidth_rollups.email_count <> excluded.email_count";
    });
}

class Rollup {
public:
    explicit Rollup(JobContext& ctx)
        : ctx_(ctx),
          day_totals_(totals_statements(ctx.db, "bandwidth_usage", "recorded_at", "", "bytes", "emails", kDay)),
          week_totals_(totals_statements(ctx.db, "bandwidth_rollups", "period_start", " AND t.period = 'day'", "bytes_used",
                                         "email_count", kWeek)),
          day_upsert_(upsert_statements(ctx.db, "day")),
          week_upsert_(upsert_statements(ctx.db, "week")),
          stored_days_(ctx.db, [](size_t n) {
              return "WITH w(u, s) AS (VALUES " + parameter_rows(n, 2) + ") SELECT r.user_id, r.period_start, r.bytes_used, "
                     "r.email_count FROM w JOIN bandwidth_rollups r ON r.user_id = w.u AND r.period = 'day' AND r.period_start = w.s";
          }),
          remove_(ctx.db, "DELETE FROM bandwidth_rollups WHERE user_id = ?1 AND period = ?2 AND period_start = ?3"),
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
            const std::vector<Window> batch_windows(windows.begin() + static_cast<std::ptrdiff_t>(at),
                                                    windows.begin() + static_cast<std::ptrdiff_t>(end));
            // Read before the write lock, as the engine reads its candidates.
            const auto sums = totals_of(day_totals_, batch_windows);
            std::vector<std::pair<Window, Sums>> batch;
            for (const auto& w : batch_windows) batch.emplace_back(w, sums.count(w) ? sums.at(w) : Sums{});
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
    // Sets each (user, start) row of `period` to its totals (upsert_statements) and removes the
    // rows whose window has none.
    int64_t put_all(RowStatements& upsert, const std::string& period, const std::vector<std::pair<Window, Sums>>& rows) {
        int64_t changed = 0;
        std::vector<const std::pair<Window, Sums>*> kept;
        for (const auto& row : rows) {
            if (row.second.rows > 0) {
                kept.push_back(&row);
                continue;
            }
            remove_.reset();  // rare: a day whose raw rows the application deleted
            remove_.bind_all(row.first.first, period, row.first.second);
            changed += remove_.exec();
        }
        const size_t k = upsert.rows_per_statement();
        for (size_t at = 0; at < kept.size(); at += k) {
            const size_t n = std::min(k, kept.size() - at);
            Statement& q = upsert.for_rows(n);
            for (size_t i = 0; i < n; ++i) {
                const auto& [w, s] = *kept[at + i];
                const int b = static_cast<int>(5 * i);
                q.bind(b + 1, w.first);
                q.bind(b + 2, w.second);
                q.bind(b + 3, s.bytes);
                q.bind(b + 4, s.emails);
                q.bind(b + 5, ctx_.now);
            }
            changed += q.exec();
            q.reset();
        }
        return changed;
    }

    // Inside the batch transaction: the day rows, then each week they touch recomputed from its
    // day rows (read after the day rows were written, in the same transaction).
    void write_batch(const std::vector<std::pair<Window, Sums>>& batch) {
        int64_t changed = put_all(day_upsert_, "day", batch);
        std::set<Window> week_set;
        for (const auto& [w, s] : batch) week_set.insert({w.first, utc_week_start(w.second)});
        const std::vector<Window> weeks(week_set.begin(), week_set.end());
        const auto sums = totals_of(week_totals_, weeks);
        std::vector<std::pair<Window, Sums>> week_rows;
        for (const auto& w : weeks) week_rows.emplace_back(w, sums.count(w) ? sums.at(w) : Sums{});
        changed += put_all(week_upsert_, "week", week_rows);
        ctx_.counts.changed += changed;
        ctx_.counts.add("bandwidth_rollups", changed);
    }

    // Dry run: the day rows a run would write or remove, and their weeks. A week row changes when
    // one of its days does (its total is theirs), so each (user, week) with a changed day counts
    // once per run; the set holds at most users x weeks of the data, not its rows.
    void count_would_change(const std::vector<std::pair<Window, Sums>>& batch) {
        std::map<Window, std::pair<int64_t, int64_t>> stored;
        const size_t k = stored_days_.rows_per_statement();
        for (size_t at = 0; at < batch.size(); at += k) {
            const size_t n = std::min(k, batch.size() - at);
            Statement& q = stored_days_.for_rows(n);
            for (size_t i = 0; i < n; ++i) {
                q.bind(static_cast<int>(2 * i + 1), batch[at + i].first.first);
                q.bind(static_cast<int>(2 * i + 2), batch[at + i].first.second);
            }
            while (q.step()) stored[{q.column(0).as_int64(), q.column(1).as_int64()}] = {q.column(2).as_int64(), q.column(3).as_int64()};
            q.reset();
        }
        int64_t n = 0;
        for (const auto& [w, s] : batch) {
            const auto found = stored.find(w);
            if (found != stored.end() ? (!s.rows || found->second.first != s.bytes || found->second.second != s.emails) : s.rows > 0) {
                ++n;
                if (dry_weeks_.insert({w.first, utc_week_start(w.second)}).second) ++n;
            }
        }
        ctx_.counts.changed += n;
        ctx_.counts.add("bandwidth_rollups", n);
    }

    JobContext& ctx_;
    RowStatements day_totals_, week_totals_, day_upsert_, week_upsert_, stored_days_;
    Statement remove_;
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
