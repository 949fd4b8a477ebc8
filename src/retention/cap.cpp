// Per-owner caps (Policy::cap, seed 004): keep each owner's newest N live rows, and for owners over
// the threshold change the older rows the filter allows. engine.h describes the rules.
//
// Order is (time_column, rowid): "newest" breaks ties by rowid, so the boundary is one exact row.
// Progress is kept in job_state.cursor under "cap:<counter>" = the owner being worked on, written
// in each batch's transaction: a pass that stops (budget, signal, kill -9) resumes at that owner
// even though it may no longer be over the threshold, and the result is the same as one
// uninterrupted pass. The key is removed when a pass completes.
#include <algorithm>
#include <climits>

#include "retention/purge_connection.h"
#include "retention/engine.h"
#include "retention/sql_text.h"

namespace mj {
namespace retention_detail {
namespace {

struct CapSql {
    std::string owners, boundary, eligible, candidates, count;

    CapSql(Db& db, const Policy& p) {
        const std::string rowid = row_key_of(db, p);
        const std::string t = quote_ident(p.table), time = quote_ident(p.time_column),
                          owner = quote_ident(p.cap->owner_column), live = live_condition(p),
                          may_go = filter_condition(p);
        // ?1 threshold, ?2 resume after this owner
        owners = "SELECT " + owner + " FROM " + t + " WHERE " + live + " AND " + owner + " > " + int64_param(2) + " GROUP BY " + owner +
                 " HAVING count(*) > ?1 ORDER BY " + owner;
        // ?1 owner, ?2 keep_newest - 1: the oldest row of the owner's newest N
        boundary = "SELECT " + time + ", " + rowid + " FROM " + t + " WHERE " + owner + " = ?1 AND " + live + " ORDER BY " +
                   time + " DESC, " + rowid + " DESC LIMIT 1 OFFSET ?2";
        // ?1 owner, (?2, ?3) the boundary row: only rows older than it may go
        eligible = owner + " = ?1 AND " + live + " AND " + may_go + " AND " + time + " <= " + int64_param(2) + " AND (" +
                   time + " < " + int64_param(2) + " OR " + rowid + " < " + int64_param(3) + ")";
        count = "SELECT count(*) FROM " + t + " WHERE " + eligible;
        // (?4, ?5) the previous batch's last row; the plain range terms let the index seek
        candidates = "SELECT " + rowid + ", " + time + " FROM " + t + " WHERE " + eligible + " AND " + time + " >= " + int64_param(4) +
                     " AND (" + time + " > " + int64_param(4) + " OR " + rowid + " > " + int64_param(5) + ") ORDER BY " + time + ", " + rowid + " LIMIT ?6";
    }
};

struct Row {
    int64_t time, rowid;
};

// The owner's newest-N boundary row, or nothing when the owner has N live rows or fewer.
std::optional<Row> boundary_of(Db& db, const CapSql& sql, const Policy& p, int64_t owner) {
    if (p.cap->keep_newest <= 0) return Row{INT64_MAX, INT64_MAX};  // nothing kept: every row may go
    Statement q(db, sql.boundary);
    q.bind(1, owner);
    q.bind(2, p.cap->keep_newest - 1);
    if (!q.step()) return std::nullopt;
    return Row{q.column(0).as_int64(), q.column(1).as_int64()};
}

std::vector<int64_t> owners_to_cap(Db& db, const CapSql& sql, const Policy& p, std::optional<int64_t> resume) {
    std::vector<int64_t> out;
    if (resume) out.push_back(*resume);  // the interrupted owner, over the threshold or not any more
    Statement q(db, sql.owners);
    q.bind(1, p.cap->threshold);
    q.bind(2, resume ? *resume : INT64_MIN);
    while (q.step()) out.push_back(q.column(0).as_int64());
    return out;
}

std::string cursor_key(const Policy& p) { return "cap:" + (p.name.empty() ? p.table : p.name); }

std::optional<int64_t> resume_owner(JobContext& ctx, const Policy& p) {
    auto c = ctx.cursor();
    auto it = c.find(cursor_key(p));
    if (it == c.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int64_t>();
}

void set_resume_owner_in_txn(JobContext& ctx, const Policy& p, std::optional<int64_t> owner) {
    auto c = ctx.cursor();
    if (owner) c[cursor_key(p)] = *owner;
    else c.erase(cursor_key(p));
    ctx.cursor_set_in_txn(c);
}

}  // namespace

int64_t count_capped(Db& db, const Policy& p, std::optional<int64_t> resume) {
    CapSql sql(db, p);
    int64_t total = 0;
    for (int64_t owner : owners_to_cap(db, sql, p, resume)) {
        auto b = boundary_of(db, sql, p, owner);
        if (!b) continue;
        Statement q(db, sql.count);
        q.bind(1, owner);
        q.bind(2, b->time);
        q.bind(3, b->rowid);
        q.step();
        total += q.column(0).as_int64();
    }
    return total;
}

PurgeResult purge_capped(JobContext& ctx, const Policy& p) {
    PurgeResult result;
    const std::string counter = p.name.empty() ? p.table : p.name;
    const CapSql sql(ctx.db, p);
    const auto resume = resume_owner(ctx, p);
    if (ctx.dry_run) {
        result.rows = count_capped(ctx.db, p, resume);
        result.owners = static_cast<int64_t>(owners_to_cap(ctx.db, sql, p, resume).size());
        result.finished = true;
        ctx.counts.examined += result.rows;
        ctx.counts.add(counter, result.rows);
        ctx.info("would_cap", {{"table", p.table}, {"rows", result.rows}, {"owners", result.owners}});
        return result;
    }
    if (ctx.wants_progress()) ctx.expected += count_capped(ctx.db, p, resume);  // issue 16: the live line's "of N"
    BatchSizer sizer = sizer_for(ctx, p);
    const auto owners = owners_to_cap(ctx.db, sql, p, resume);
    result.owners = static_cast<int64_t>(owners.size());
    bool stopped = false, cursor_written = resume.has_value();
    Statement select(ctx.db, sql.candidates);
    PurgeConnection connection(ctx.db);
    for (size_t i = 0; i < owners.size() && !stopped; ++i) {
        if (i > 0 && ctx.should_stop()) {
            stopped = true;
            break;
        }
        const int64_t owner = owners[i];
        Row after{INT64_MIN, INT64_MIN};
        while (true) {
            auto b = boundary_of(ctx.db, sql, p, owner);
            if (!b) break;
            const int64_t limit = sizer.size();
            const Row batch_after = after;
            std::vector<int64_t> candidates;
            select.bind(1, owner);
            select.bind(2, b->time);
            select.bind(3, b->rowid);
            select.bind(4, after.time);
            select.bind(5, after.rowid);
            select.bind(6, limit);
            while (select.step()) {
                candidates.push_back(select.column(0).as_int64());
                after = {select.column(1).as_int64(), candidates.back()};
            }
            select.reset();
            if (candidates.empty()) break;
            std::sort(candidates.begin(), candidates.end());
            std::vector<int64_t> ids;
            int64_t changed = 0;
            Counts dependents;
            try {
                connection.write(ctx.db, [&] {
                    // The boundary again, under the lock: rows may have arrived or gone since the read.
                    // The re-check goes by row key (opaque() hides the rest from the planner, engine.cpp).
                    auto locked = boundary_of(ctx.db, sql, p, owner);
                    if (locked) {
                        const std::string& key = row_key_of(ctx.db, p);
                        Statement recheck(ctx.db, "SELECT " + key + " FROM " + quote_ident(p.table) + " WHERE " +
                                                      rowid_target(candidates, key) + " AND " +
                                                      opaque(sql.eligible) + " ORDER BY " + key);
                        recheck.bind(1, owner);
                        recheck.bind(2, locked->time);
                        recheck.bind(3, locked->rowid);
                        while (recheck.step()) ids.push_back(recheck.column(0).as_int64());
                    }
                    if (!ids.empty()) changed = apply_action(ctx, p, ids, dependents);
                    set_resume_owner_in_txn(ctx, p, owner);
                });
            } catch (const TransactionTooLong& too_long) {
                // Rolled back: the same rows again, smaller (engine.h); one row over the bound throws.
                batch_stopped(ctx, p, sizer, result, static_cast<int64_t>(candidates.size()), too_long);
                after = batch_after;
                if (ctx.should_stop()) {
                    stopped = true;
                    break;
                }
                continue;
            }
            cursor_written = true;
            const int64_t txn_us = ctx.db.last_txn_us();
            ++result.batches;
            if (is_rowid_range(ids)) ++result.range_batches;
            result.max_batch = std::max(result.max_batch, limit);
            result.max_txn_us = std::max(result.max_txn_us, txn_us);
            ctx.counts.examined += static_cast<int64_t>(candidates.size());
            ctx.counts.changed += changed;
            ctx.counts.add(counter, changed);
            add_dependents(ctx, dependents);
            result.rows += changed;
            sizer.record(static_cast<int64_t>(candidates.size()), txn_us);
            ctx.debug("cap_batch", {{"table", p.table}, {"owner", owner}, {"rows", changed}, {"txn_us", txn_us},
                                    {"next_batch", sizer.size()}});
            if (static_cast<int64_t>(candidates.size()) < limit) break;
            if (ctx.should_stop()) {
                stopped = true;
                break;
            }
        }
    }
    if (!stopped && cursor_written) ctx.db.write([&] { set_resume_owner_in_txn(ctx, p, std::nullopt); });
    result.finished = !stopped;
    ctx.info("capped", {{"table", p.table}, {"rows", result.rows}, {"owners", result.owners},
                        {"finished", result.finished}, {"batches", result.batches},
                        {"max_txn_ms", result.max_txn_us / 1000.0}});
    return result;
}

}  // namespace retention_detail
}  // namespace mj
