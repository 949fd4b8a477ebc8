#include "jobs/vacuum.h"

#include <sys/stat.h>

#include <algorithm>

#include "retention/batch_sizer.h"
#include "retention/purge_connection.h"

namespace mj {
namespace {

int64_t file_bytes(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

}  // namespace

Outcome vacuum(JobContext& ctx) {
    Db& db = ctx.db;
    if (!db.is_file()) {
        ctx.note = "the database is a PostgreSQL server: autovacuum returns its space (README \"Beyond one host\")";
        ctx.result = {{"server", "postgresql"}};
        return Outcome::done;
    }
    const int64_t page_size = db.page_size();
    const int64_t free_before = db.free_pages();
    const int64_t mode = static_cast<int64_t>(db.auto_vacuum());  // 0 none, 1 full, 2 incremental
    ctx.result = {{"page_size", page_size}, {"free_pages_before", free_before},
                  {"file_bytes_before", file_bytes(db.path())},
                  {"auto_vacuum", mode == 2 ? "incremental" : mode == 1 ? "full" : "none"}};
    ctx.counts.examined = free_before;
    if (mode != 2) {
        ctx.note = "auto_vacuum is not INCREMENTAL: free pages cannot be returned in steps (see README)";
        ctx.warn("vacuum_unavailable", {{"auto_vacuum", ctx.result["auto_vacuum"]}, {"free_pages", free_before}});
    }
    int64_t free_now = free_before, steps = 0;
    bool finished = true;
    if (mode == 2 && !ctx.dry_run) {
        BatchSizer::Limits l;
        l.start = l.max_rows = std::max<int64_t>(1, ctx.cfg_int("pages_per_step"));
        l.limit_us = db.max_transaction_us() > 0 ? db.max_transaction_us() : ctx.config.millis("general", "max_transaction") * 1000;
        BatchSizer sizer(l);
        // Steps behave like purge batches: the write lock left free between them for the
        // application, WAL checkpoints off the lock (purge_connection.h).
        PurgeConnection connection(db);
        while (free_now > 0) {
            const int64_t n = sizer.size();
            try {
                connection.write(db, [&] { db.release_free_pages(n); });
            } catch (const TransactionTooLong& stopped) {
                // Rolled back by the time bound (db.h): fewer pages next time; one page over it fails the job.
                ctx.warn("transaction_stopped", {{"pages", n}, {"bound_ms", stopped.bound_us / 1000}, {"txn_ms", stopped.held_us / 1000}});
                if (n <= 1) throw;
                sizer.record_stopped(n, stopped.held_us);
                if (ctx.should_stop()) {
                    finished = false;
                    break;
                }
                continue;
            }
            ++steps;
            sizer.record(n, db.last_txn_us());
            const int64_t left = db.free_pages();
            ctx.debug("vacuum_step", {{"pages", n}, {"txn_us", db.last_txn_us()}, {"free_pages", left}});
            if (left >= free_now) break;  // no progress: nothing more this mode can do
            free_now = left;
            if (free_now > 0 && ctx.should_stop()) {
                finished = false;
                break;
            }
        }
    }
    // Copy the commits back so the shorter file is what the disk quota sees; never waits.
    if (mode == 2 && !ctx.dry_run) db.checkpoint_wal();
    const int64_t freed = ctx.dry_run ? free_before * (mode == 2) : free_before - free_now;
    ctx.counts.changed = ctx.dry_run ? 0 : freed;
    ctx.counts.add("pages", freed);
    ctx.result["free_pages_after"] = ctx.dry_run ? free_before : free_now;
    ctx.result["pages_freed"] = freed;
    ctx.result["bytes_freed"] = freed * page_size;
    ctx.result["file_bytes_after"] = file_bytes(db.path());
    ctx.result["wal_bytes"] = file_bytes(db.path() + "-wal");
    ctx.result["steps"] = steps;
    if (ctx.dry_run) ctx.result["dry_run"] = true;
    ctx.info("vacuumed", ctx.result);
    return finished ? Outcome::done : Outcome::more;
}

}  // namespace mj
