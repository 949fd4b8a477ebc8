#include "retention/engine.h"

#include <algorithm>
#include <climits>

#include "retention/purge_connection.h"
#include "retention/sql_text.h"

namespace mj {
namespace retention_detail {

std::string live_condition(const Policy& p) {
    return p.action == Policy::Action::soft_delete ? quote_ident(p.soft_delete_column) + " IS NULL" : "1 = 1";
}

std::string filter_condition(const Policy& p) { return p.filter.empty() ? "1 = 1" : "(" + p.filter + ")"; }

// A condition hidden from the query planner inside a CASE so that it cannot pick an index for it.
// Measured: with `status IN (...)` visible, SQLite walked delivery_log_due (every delivered row,
// then a sort) instead of the time index or the rowid range: 20x slower per batch. CASE rather than
// the coalesce((cond), 0) of before, which PostgreSQL refuses (a boolean against an integer).
std::string opaque(const std::string& condition) { return "(CASE WHEN " + condition + " THEN 1 ELSE 0 END) = 1"; }

const std::string& row_key_of(Db& db, const Policy& p) {
    if (p.row_key.empty()) {
        const std::vector<std::string> key = db.row_key(p.table);
        if (key.size() != 1 || key[0] == "ctid")
            throw std::runtime_error("table " + p.table + " has no single integer row key (rowid, or an integer primary key)");
        p.row_key = key[0] == "rowid" ? key[0] : quote_ident(key[0]);
    }
    return p.row_key;
}

int64_t apply_action(JobContext& ctx, const Policy& p, const std::vector<int64_t>& ids, Counts& dependents) {
    auto& db = ctx.db;
    if (p.before_delete) p.before_delete(ctx, ids);
    const std::string table = quote_ident(p.table), target = rowid_target(ids, row_key_of(db, p));
    switch (p.action) {
        case Policy::Action::soft_delete:
            return db.exec("UPDATE " + table + " SET " + quote_ident(p.soft_delete_column) + " = " +
                           std::to_string(ctx.now) + " WHERE " + target);
        case Policy::Action::update:
            return db.exec("UPDATE " + table + " SET " + p.update_set + " WHERE " + target);
        case Policy::Action::remove:
            break;
    }
    // Children first, in the same transaction: never an orphan, never a child without its parent gone.
    for (const auto& dep : p.dependents) {
        int n = db.exec("DELETE FROM " + quote_ident(dep.table) + " WHERE " + quote_ident(dep.column) + " IN (" +
                        rowid_list(ids) + ")");
        dependents.add(dep.table, n);
        dependents.changed += n;
    }
    return db.exec("DELETE FROM " + table + " WHERE " + target);
}

void add_dependents(JobContext& ctx, const Counts& dependents) {
    ctx.counts.changed += dependents.changed;
    for (const auto& [name, n] : dependents.by_name) ctx.counts.add(name, n);
}

BatchSizer sizer_for(JobContext& ctx, const Policy& p) {
    int64_t start = p.batch_size > 0 ? p.batch_size : ctx.cfg_int("batch_size");
    // The bound Db::write enforces; a connection without one (tests) sizes against the key's value.
    int64_t limit_us = ctx.db.max_transaction_us() > 0 ? ctx.db.max_transaction_us()
                                                       : ctx.config.millis("general", "max_transaction") * 1000;
    return BatchSizer(BatchSizer::for_batch_size(start, limit_us));
}

void batch_stopped(JobContext& ctx, const Policy& p, BatchSizer& sizer, PurgeResult& r, int64_t rows,
                   const TransactionTooLong& stopped) {
    ++r.stopped_batches;
    r.max_txn_us = std::max(r.max_txn_us, stopped.held_us);
    if (p.after_rollback) p.after_rollback();
    if (rows <= 1) {
        ctx.warn("row_over_max_transaction", {{"table", p.table}, {"policy", p.name}, {"bound_ms", stopped.bound_us / 1000},
                                              {"txn_ms", stopped.held_us / 1000},
                                              {"effect", "a single row takes longer than max_transaction: stopped for this run"}});
        throw stopped;
    }
    sizer.record_stopped(rows, stopped.held_us);
    ctx.warn("transaction_stopped", {{"table", p.table}, {"rows", rows}, {"bound_ms", stopped.bound_us / 1000},
                                     {"txn_ms", stopped.held_us / 1000}, {"next_batch", sizer.size()}});
}

}  // namespace retention_detail

namespace {

using namespace retention_detail;

// time_column < ?1 AND live AND filter: the whole condition of an age policy.
std::string age_condition(const Policy& p) {
    return quote_ident(p.time_column) + " < ?1 AND " + live_condition(p) + " AND " + filter_condition(p);
}

std::string counter_of(const Policy& p) { return p.name.empty() ? p.table : p.name; }

void note_batch(PurgeResult& r, const std::vector<int64_t>& ids, int64_t limit, int64_t txn_us) {
    ++r.batches;
    if (is_rowid_range(ids)) ++r.range_batches;
    r.max_batch = std::max(r.max_batch, limit);
    r.max_txn_us = std::max(r.max_txn_us, txn_us);
}

}  // namespace

int64_t count_selected(Db& db, const Policy& p) {
    if (p.cap) return count_capped(db, p, std::nullopt);
    Statement q(db, "SELECT count(*) FROM " + quote_ident(p.table) + " WHERE " + age_condition(p));
    q.bind(1, p.cutoff);
    q.step();
    return q.column(0).as_int64();
}

namespace {

// Dry-run: the dependent rows a real run would delete with the selected rows (message_logs'
// header snapshots, destinations' alias links), per dependent table, so that a dry run reports the
// same counts per table as the real run.
void count_dependents(JobContext& ctx, const Policy& p) {
    if (p.action != Policy::Action::remove) return;
    for (const auto& dep : p.dependents) {
        Statement q(ctx.db, "SELECT count(*) FROM " + quote_ident(dep.table) + " WHERE " + quote_ident(dep.column) +
                                " IN (SELECT " + row_key_of(ctx.db, p) + " FROM " + quote_ident(p.table) + " WHERE " + age_condition(p) + ")");
        q.bind(1, p.cutoff);
        q.step();
        ctx.counts.add(dep.table, q.column(0).as_int64());
    }
}

}  // namespace

PurgeResult purge(JobContext& ctx, const Policy& p) {
    if (p.cap) return purge_capped(ctx, p);
    PurgeResult result;
    const std::string counter = counter_of(p);
    ctx.counts.note_cutoff(p.table + "." + p.time_column, p.cutoff);  // for `cleanup preview`
    if (ctx.dry_run) {
        result.rows = count_selected(ctx.db, p);
        result.finished = true;
        ctx.counts.examined += result.rows;
        ctx.counts.add(counter, result.rows);
        count_dependents(ctx, p);
        ctx.info("would_purge", {{"table", p.table}, {"rows", result.rows}, {"cutoff", p.cutoff}});
        return result;
    }
    // The live progress line's "of N" (issue 16): one read count, only when a terminal shows it.
    if (ctx.wants_progress()) ctx.expected += count_selected(ctx.db, p);
    BatchSizer sizer = sizer_for(ctx, p);
    const std::string table = quote_ident(p.table), time = quote_ident(p.time_column);
    // ?2 is the last batch's newest time: everything older was deleted or kept by the filter.
    const std::string key = row_key_of(ctx.db, p);
    Statement select(ctx.db, "SELECT " + key + ", " + time + " FROM " + table + " WHERE " + time + " < ?1 AND " +
                                 time + " >= " + int64_param(2) + " AND " + opaque(live_condition(p) + " AND " + filter_condition(p)) +
                                 " ORDER BY " + time + " LIMIT ?3");
    int64_t floor = INT64_MIN;
    PurgeConnection connection(ctx.db);
    while (true) {
        const int64_t limit = sizer.size();
        const int64_t batch_floor = floor;
        std::vector<int64_t> candidates;
        select.bind(1, p.cutoff);
        select.bind(2, floor);
        select.bind(3, limit);
        while (select.step()) {
            candidates.push_back(select.column(0).as_int64());
            floor = select.column(1).as_int64();
        }
        select.reset();  // ends the read before the write lock is taken
        if (candidates.empty()) {
            result.finished = true;
            break;
        }
        std::sort(candidates.begin(), candidates.end());
        std::vector<int64_t> ids;
        int64_t changed = 0;
        Counts dependents;
        try {
            connection.write(ctx.db, [&] {
                Statement recheck(ctx.db, "SELECT " + key + " FROM " + table + " WHERE " + rowid_target(candidates, key) +
                                              " AND " + opaque(age_condition(p)) + " ORDER BY " + key);
                recheck.bind(1, p.cutoff);
                while (recheck.step()) ids.push_back(recheck.column(0).as_int64());
                if (!ids.empty()) changed = apply_action(ctx, p, ids, dependents);
            });
        } catch (const TransactionTooLong& stopped) {
            // Rolled back: the same rows again, in a smaller batch (or the warning and a throw at one row).
            batch_stopped(ctx, p, sizer, result, static_cast<int64_t>(candidates.size()), stopped);
            floor = batch_floor;
            if (ctx.should_stop()) break;
            continue;
        }
        const int64_t txn_us = ctx.db.last_txn_us();
        note_batch(result, ids, limit, txn_us);
        ctx.counts.examined += static_cast<int64_t>(candidates.size());
        ctx.counts.changed += changed;
        ctx.counts.add(counter, changed);
        add_dependents(ctx, dependents);
        result.rows += changed;
        sizer.record(static_cast<int64_t>(candidates.size()), txn_us);
        if (sizer.over_limit())
            ctx.warn("long_transaction", {{"table", p.table}, {"rows", static_cast<int64_t>(candidates.size())},
                                          {"txn_ms", txn_us / 1000}, {"next_batch", sizer.size()}});
        ctx.debug("batch", {{"table", p.table}, {"rows", changed}, {"range", is_rowid_range(ids)},
                            {"txn_us", txn_us}, {"wal_frames", connection.wal_frames()},
                            {"wait_us", ctx.db.last_wait_us()}, {"next_batch", sizer.size()}});
        if (static_cast<int64_t>(candidates.size()) < limit) {
            result.finished = true;
            break;
        }
        if (ctx.should_stop()) break;
    }
    nlohmann::json fields = {{"table", p.table}, {"rows", result.rows}, {"finished", result.finished},
                             {"batches", result.batches}, {"range_batches", result.range_batches},
                             {"max_txn_ms", result.max_txn_us / 1000.0}};
    if (result.stopped_batches > 0) fields["stopped_batches"] = result.stopped_batches;
    // Only a purge big enough to need its own checkpoints reports them.
    if (const auto checkpoints = connection.checkpoints(); checkpoints.checkpoints > 0) {
        fields["checkpoints"] = checkpoints.checkpoints;
        fields["checkpoint_max_ms"] = checkpoints.max_us / 1000.0;
        fields["wal_bound_waits"] = connection.bound_waits();
    }
    ctx.info("purged", fields);
    return result;
}

}  // namespace mj
