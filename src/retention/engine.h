// The one retention engine: every purge and expiry job describes a Policy and calls purge().
//
// How a batch works (and why):
// - Select (a read, no lock): the oldest matching rows through the time index,
//   SELECT rowid ... WHERE <time_column> < cutoff AND <filter> ORDER BY <time_column> LIMIT n,
//   continuing from the previous batch's last time (rows the filter keeps are walked once per
//   purge, not once per batch). Reading outside the write lock keeps an index walk past rows the
//   filter keeps (old pending deliveries, unread notifications) out of the application's wait.
// - Write (one BEGIN IMMEDIATE transaction): re-check the candidates against the whole condition
//   (the application may have changed a row since the read), run the before_delete hook with the
//   exact rowids (fold into aggregates, archive, queue notices), delete dependent rows, then delete,
//   soft-delete or update the rows. Log tables use INTEGER PRIMARY KEY, so rows arrive in time order
//   and a batch is usually one contiguous rowid range, deleted as a range (DELETE ... WHERE rowid
//   BETWEEN lo AND hi, one b-tree walk); scattered batches (sessions by expiry) go by rowid list.
//   A kill -9 loses at most the open batch, which rolls back: nothing is ever half-done.
// - The batch size adapts (batch_sizer.h) so that one transaction holds the write lock about
//   kTargetTxnMs, because the web application writes into the same file and waits meanwhile.
// - Every batch transaction is bounded by general.max_transaction (Db::write): a batch that passes it
//   is stopped and rolled back (TransactionTooLong), the after_rollback hook runs, and the same rows
//   are selected again in a batch at most half as big (BatchSizer::record_stopped). When even a
//   batch of one row is stopped, the policy cannot run within the bound: purge() logs the warning
//   "row_over_max_transaction" and throws that TransactionTooLong (committed batches stay); the
//   job retention-policies goes on with its next policy, any other job fails with that message.
// - Between batches the job's deadline, signals and lease are checked (ctx.should_stop()).
//
// A per-owner cap (Policy::cap, seed 004) selects differently: for each owner (user) with more than
// `threshold` live rows, the rows outside the owner's newest `keep_newest` that match the filter,
// oldest first. The newest-N boundary is re-read inside every batch transaction, so a row that has
// become one of the newest N meanwhile is never touched. An interrupted pass resumes at the owner
// it was working on (job_state cursor), so the result does not depend on where a run stopped.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/job.h"
#include "retention/batch_sizer.h"

namespace mj {

struct Dependent {
    std::string table;   // child rows deleted with their parent, so nothing is orphaned
    std::string column;  // the child's column holding the parent's rowid
};

struct Cap {
    std::string owner_column;  // e.g. "user_id" (integer)
    int64_t keep_newest = 0;   // each owner's newest N live rows always stay (by time_column, rowid)
    int64_t threshold = 0;     // only owners with more than this many live rows are capped
};

struct Policy {
    enum class Action { remove, soft_delete, update };
    std::string name;         // counter name in history; usually the table
    std::string table;
    std::string time_column;  // rows with time_column < cutoff are selected (ordering, for a cap)
    int64_t cutoff = 0;       // unix seconds; not used by a cap policy
    std::string filter;       // extra SQL condition (from code, or validated config), "" = none
    Action action = Action::remove;
    // soft_delete: set to ctx.now; only rows where it IS NULL are selected ("live" rows).
    std::string soft_delete_column = "deleted_at";
    std::string update_set;   // update: "active = 0, deactivated_at = 123" (from code only)
    std::vector<Dependent> dependents;  // deleted with their parents (Action::remove only)
    mutable std::string row_key;        // filled by the engine (retention_detail::row_key_of)
    // Runs inside the batch transaction before the rows go, with their rowids (ascending).
    // Used to fold rows into aggregates, archive them, or queue notices. Throw to abort the batch.
    std::function<void(JobContext&, const std::vector<int64_t>&)> before_delete;
    // Runs when a batch was stopped by the time bound and rolled back, before the engine selects
    // it again smaller: forget what before_delete collected for it (spool files to remove, ...).
    std::function<void()> after_rollback;
    int64_t batch_size = 0;   // first batch; 0 = the job's batch_size (clamped to kMaxBatchRows)
    std::optional<Cap> cap;   // per-owner cap instead of an age cutoff
};

struct PurgeResult {
    int64_t rows = 0;          // rows deleted/changed (or that would be, in dry-run)
    bool finished = false;     // nothing left to purge for this policy
    int64_t batches = 0;       // write transactions
    int64_t range_batches = 0; // of those, deleted as one rowid range
    int64_t max_batch = 0;     // largest batch (rows) the sizer allowed
    int64_t max_txn_us = 0;    // longest batch transaction (stopped ones included)
    int64_t stopped_batches = 0;  // batches the time bound stopped and rolled back (then retried smaller)
    int64_t owners = 0;        // cap policies: owners over the threshold (or resumed)
};

// Purges in batches until done or ctx.should_stop(). Counts go to ctx.counts (examined, changed,
// by table). In dry-run it only counts (reads, no lock), the dependents' rows per table as a run
// deletes them, and reports finished. Throws what SQLite throws (the open batch rolls back;
// committed batches stay), TransactionTooLong when a batch of one row passes max_transaction,
// LeaseLost when the job's lease is gone.
PurgeResult purge(JobContext& ctx, const Policy& policy);

// How many rows the policy selects now (read only). Used by dry-run and `cleanup preview`.
// For a cap policy: the rows a fresh pass would change.
int64_t count_selected(Db& db, const Policy& policy);

// The outcome for a job that ran some policies: more if any stopped early, else done.
inline Outcome outcome_of(bool all_finished) { return all_finished ? Outcome::done : Outcome::more; }

// --- inside the engine (engine.cpp, cap.cpp) ---
namespace retention_detail {
std::string live_condition(const Policy& p);            // "1 = 1" or "<soft_delete_column> IS NULL"
std::string filter_condition(const Policy& p);          // "1 = 1" or "(<filter>)"
// A condition hidden from the query planner (so it cannot pick an index for it), on both backends.
std::string opaque(const std::string& condition);
// The table's row key as SQL: "rowid" on SQLite, the integer primary key on PostgreSQL
// (Db::row_key); looked up once per policy. Throws for a table without a single-column key.
const std::string& row_key_of(Db& db, const Policy& p);
// The batch transaction's second half: hook, dependents, action. Returns rows changed; the
// dependents' rows go to `dependents`, which the caller adds to ctx.counts (add_dependents) only
// once the batch committed: a batch that rolled back (I/O error, full disk, time bound) must not
// appear in the run's history (found by the I/O fault tests, tests/faults/).
int64_t apply_action(JobContext& ctx, const Policy& p, const std::vector<int64_t>& ids, Counts& dependents);
void add_dependents(JobContext& ctx, const Counts& dependents);
BatchSizer sizer_for(JobContext& ctx, const Policy& p);
PurgeResult purge_capped(JobContext& ctx, const Policy& p);
int64_t count_capped(Db& db, const Policy& p, std::optional<int64_t> resume_owner);
// A batch of `rows` the time bound stopped: runs after_rollback, tells the sizer, logs it; when the
// batch was a single row, warns and rethrows `stopped` (the policy cannot run within the bound).
void batch_stopped(JobContext& ctx, const Policy& p, BatchSizer& sizer, PurgeResult& r, int64_t rows,
                   const TransactionTooLong& stopped);
}  // namespace retention_detail

}  // namespace mj
