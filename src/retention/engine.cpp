#include "retention/engine.h"

#include <algorithm>
#include <chrono>

namespace mj {
namespace {

std::string where_clause(const Policy& p) {
    std::string w = "\"" + p.time_column + "\" < ?1";
    if (p.action == Policy::Action::soft_delete) w += " AND \"" + p.soft_delete_column + "\" IS NULL";
    if (!p.filter.empty()) w += " AND (" + p.filter + ")";
    return w;
}

std::string id_list(const std::vector<int64_t>& ids) {
    std::string s;
    s.reserve(ids.size() * 8);
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(ids[i]);
    }
    return s;
}

// Deletes (or soft-deletes) the selected rowids; contiguous runs go as one range.
int64_t remove_rows(JobContext& ctx, const Policy& p, const std::vector<int64_t>& ids) {
    auto& db = ctx.db.sql();
    for (const auto& dep : p.dependents) {
        int n = db.exec("DELETE FROM \"" + dep.table + "\" WHERE \"" + dep.column + "\" IN (" + id_list(ids) + ")");
        ctx.counts.add(dep.table, n);
        ctx.counts.changed += n;
    }
    std::string target;
    bool contiguous = ids.back() - ids.front() + 1 == static_cast<int64_t>(ids.size());
    // A range is only safe when every rowid in it was selected; the transaction holds the write
    // lock, so no row can appear inside the range between the select and the delete.
    if (contiguous) target = "rowid BETWEEN " + std::to_string(ids.front()) + " AND " + std::to_string(ids.back());
    else target = "rowid IN (" + id_list(ids) + ")";
    if (p.action == Policy::Action::soft_delete)
        return db.exec("UPDATE \"" + p.table + "\" SET \"" + p.soft_delete_column + "\" = " + std::to_string(ctx.now) +
                       " WHERE " + target);
    return db.exec("DELETE FROM \"" + p.table + "\" WHERE " + target);
}

}  // namespace

int64_t count_selected(Db& db, const Policy& p) {
    SQLite::Statement q(db.sql(), "SELECT count(*) FROM \"" + p.table + "\" WHERE " + where_clause(p));
    q.bind(1, p.cutoff);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

PurgeResult purge(JobContext& ctx, const Policy& p) {
    PurgeResult result;
    const std::string counter = p.name.empty() ? p.table : p.name;
    if (ctx.dry_run) {
        result.rows = count_selected(ctx.db, p);
        result.finished = true;
        ctx.counts.examined += result.rows;
        ctx.counts.add(counter, result.rows);
        ctx.info("would_purge", {{"table", p.table}, {"rows", result.rows}, {"cutoff", p.cutoff}});
        return result;
    }
    int64_t batch = std::max<int64_t>(1, ctx.cfg_int("batch_size"));
    const int64_t max_batch = std::max<int64_t>(batch * 64, 1000);
    SQLite::Statement select(ctx.db.sql(), "SELECT rowid FROM \"" + p.table + "\" WHERE " + where_clause(p) +
                                               " ORDER BY \"" + p.time_column + "\" LIMIT ?2");
    while (true) {
        std::vector<int64_t> ids;
        int64_t removed = 0;
        ctx.db.write([&] {
            select.reset();
            select.bind(1, p.cutoff);
            select.bind(2, batch);
            while (select.executeStep()) ids.push_back(select.getColumn(0).getInt64());
            if (ids.empty()) return;
            std::sort(ids.begin(), ids.end());
            if (p.before_delete) p.before_delete(ctx, ids);
            removed = remove_rows(ctx, p, ids);
        });
        ctx.counts.examined += static_cast<int64_t>(ids.size());
        ctx.counts.changed += removed;
        ctx.counts.add(counter, removed);
        result.rows += removed;
        if (ids.empty() || static_cast<int64_t>(ids.size()) < batch) {
            result.finished = true;
            break;
        }
        // Adapt: aim each transaction at kTargetTxnMs of lock time.
        int64_t ms = ctx.db.last_txn_us() / 1000;
        if (ms < kTargetTxnMs / 2 && batch < max_batch) batch = std::min(max_batch, batch * 2);
        else if (ms > kTargetTxnMs && batch > 16) batch /= 2;
        ctx.debug("batch", {{"table", p.table}, {"rows", removed}, {"txn_ms", ms}, {"next_batch", batch}});
        if (ctx.should_stop()) break;
    }
    ctx.info("purged", {{"table", p.table}, {"rows", result.rows}, {"finished", result.finished}});
    return result;
}

}  // namespace mj
