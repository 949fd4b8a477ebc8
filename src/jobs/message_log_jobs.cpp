// Message metadata retention (BJ-07, BJ-08). See message_log_jobs.h for the no-orphans design.
#include "jobs/message_log_jobs.h"

#include "retention/sql_text.h"
#include "retention/engine.h"

namespace mj {
namespace {

// Beyond every valid timestamp (the schema's CHECK caps them at 99999999999): "any age".
constexpr int64_t kAnyAge = 100000000000;

// Adds the rows about to be deleted to message_stats_daily, per user, UTC day and outcome. Runs in
// the batch transaction that deletes them, so a row is folded exactly once: if the batch rolls
// back (kill -9, error), neither the fold nor the delete happened; if it commits, both did.
void fold_into_daily_stats(JobContext& ctx, const std::vector<int64_t>& ids) {
    int n = ctx.db.exec(
        "INSERT INTO message_stats_daily(user_id, day, outcome, count, bytes) "
        "SELECT user_id, created_at - created_at % 86400, outcome, count(*), sum(bytes) FROM message_logs "
        "WHERE id IN (" + rowid_list(ids) + ") GROUP BY 1, 2, 3 "
        "ON CONFLICT(user_id, day, outcome) DO UPDATE SET count = message_stats_daily.count + excluded.count, "
        "bytes = message_stats_daily.bytes + excluded.bytes");
    ctx.debug("folded", {{"rows", ids.size()}, {"stat_rows", n}});
}

// Snapshots whose message_log_id names a log row that is gone. NULL means "not tied to a log":
// such a snapshot only goes by age.
const char* const kOrphan =
    "message_log_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM message_logs m WHERE m.id = message_log_id)";

// Walks header_snapshots by id range with read-only queries (no write lock while scanning), and
// deletes the orphans of each range through the engine. The position is kept in job_state, so a
// sweep cut short by the budget resumes where it stopped; a finished sweep starts over next run.
bool sweep_orphans(JobContext& ctx, int64_t age_cutoff) {
    if (ctx.dry_run) {
        // Same selection as the real run: orphans the age policy has not already taken.
        Policy p;
        p.name = "header_snapshots";
        p.table = "header_snapshots";
        p.time_column = "created_at";
        p.cutoff = kAnyAge;
        p.filter = std::string(kOrphan) + " AND created_at >= " + std::to_string(age_cutoff);
        purge(ctx, p);
        return true;
    }
    constexpr int64_t kRange = 20000;  // ids per scan: a few ms of index lookups
    const int64_t max_id = ctx.db.scalar("SELECT coalesce(max(id), 0) FROM header_snapshots");
    const int64_t start = ctx.cursor().value("orphan_scan_after", int64_t{0});
    Statement scan(ctx.db, "SELECT id FROM header_snapshots WHERE id > ?1 AND id <= ?2 AND " +
                               std::string(kOrphan));
    int64_t orphans = 0;
    int64_t after = start;
    bool finished = true;
    while (after < max_id) {
        std::vector<int64_t> ids;
        scan.reset();
        scan.bind(1, after);
        scan.bind(2, after + kRange);
        while (scan.step()) ids.push_back(scan.column(0).as_int64());
        scan.reset();  // end the read
        if (!ids.empty()) {
            Policy p;
            p.name = "header_snapshots";
            p.table = "header_snapshots";
            p.time_column = "created_at";
            p.cutoff = kAnyAge;
            // The scanned range, not its id list: the same rows (the orphan test is re-checked inside
            // the delete transaction; a row deleted meanwhile is simply not found), and a statement
            // as short as the range. A list of thousands of ids costs PostgreSQL ~25 ms to parse in
            // every batch's transaction, which shrank the batches to one row (50 rows/s).
            p.filter = "id > " + std::to_string(after) + " AND id <= " + std::to_string(after + kRange) + " AND " + kOrphan;
            PurgeResult r = purge(ctx, p);
            orphans += r.rows;
            if (!r.finished) {  // stopped inside this range: resume at its start
                finished = false;
                break;
            }
        }
        after += kRange;
        if (after < max_id && ctx.should_stop()) {
            finished = false;
            break;
        }
    }
    int64_t next = finished ? 0 : after;
    if (next != start) ctx.db.write([&] { ctx.cursor_set_in_txn({{"orphan_scan_after", next}}); });
    ctx.info("orphans", {{"deleted", orphans}, {"finished", finished}, {"scanned_after", start}});
    return finished;
}

}  // namespace

Outcome message_log_cleanup(JobContext& ctx) {
    Policy p;
    p.name = "message_logs";
    p.table = "message_logs";
    p.time_column = "created_at";
    p.cutoff = ctx.now - ctx.older_than();
    p.dependents = {{"header_snapshots", "message_log_id"}};
    p.before_delete = fold_into_daily_stats;
    return outcome_of(purge(ctx, p).finished);
}

Outcome header_snapshot_cleanup(JobContext& ctx) {
    Policy p;
    p.name = "header_snapshots";
    p.table = "header_snapshots";
    p.time_column = "created_at";
    p.cutoff = ctx.now - ctx.older_than();
    if (!purge(ctx, p).finished || ctx.should_stop()) return Outcome::more;
    return outcome_of(sweep_orphans(ctx, p.cutoff));
}

}  // namespace mj
