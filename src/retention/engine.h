// The one retention engine: every purge and expiry job describes a Policy and calls purge().
//
// How a batch works (and why):
// - The selection walks the time index: SELECT rowid ... WHERE <time_column> < cutoff AND <filter>
//   ORDER BY <time_column> LIMIT n. Log tables use INTEGER PRIMARY KEY, so rows arrive in time order
//   and one batch is usually a contiguous rowid range; then it is deleted as a range
//   (DELETE ... WHERE rowid BETWEEN lo AND hi), the cheapest delete SQLite has. Scattered batches
//   (sessions by expiry, say) are deleted by rowid list.
// - Each batch is one BEGIN IMMEDIATE transaction: select, hooks (fold into aggregates, archive,
//   dependent rows), delete. Nothing is ever half-done: a kill -9 loses at most the open batch,
//   which rolls back.
// - The batch size adapts: it starts at the job's batch_size and doubles or halves so that one
//   transaction holds the write lock about kTargetTxnMs, because the web application writes into
//   the same file and waits for us meanwhile.
// - Between batches the job's deadline, signals and lease are checked (ctx.should_stop()).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "jobs/job.h"

namespace mj {

constexpr int64_t kTargetTxnMs = 20;  // keeps the longest write transaction under the 25 ms target

struct Dependent {
    std::string table;   // child rows deleted with their parent, so nothing is orphaned
    std::string column;  // the child's column holding the parent's rowid
};

struct Policy {
    enum class Action { remove, soft_delete };
    std::string name;         // counter name in history; usually the table
    std::string table;
    std::string time_column;  // rows with time_column < cutoff are selected
    int64_t cutoff = 0;
    std::string filter;       // extra SQL condition (from code, or validated config), "" = none
    Action action = Action::remove;
    std::string soft_delete_column = "deleted_at";  // set to ctx.now for Action::soft_delete
    std::vector<Dependent> dependents;
    // Runs inside the batch transaction before the rows go, with their rowids (ascending).
    // Used to fold rows into aggregates, archive them, or queue notices. Throw to abort the batch.
    std::function<void(JobContext&, const std::vector<int64_t>&)> before_delete;
};

struct PurgeResult {
    int64_t rows = 0;        // rows deleted (or that would be, in dry-run)
    bool finished = false;   // nothing left to purge for this policy
};

// Purges in batches until done or ctx.should_stop(). Counts go to ctx.counts (examined, changed,
// by table). In dry-run it only counts (one read, no lock) and reports finished.
PurgeResult purge(JobContext& ctx, const Policy& policy);

// How many rows the policy selects now (read only). Used by dry-run and `cleanup preview`.
int64_t count_selected(Db& db, const Policy& policy);

// The outcome for a job that ran some policies: more if any stopped early, else done.
inline Outcome outcome_of(bool all_finished) { return all_finished ? Outcome::done : Outcome::more; }

}  // namespace mj
