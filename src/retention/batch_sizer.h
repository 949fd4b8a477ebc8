// The adaptive batch size of purge (and vacuum) transactions.
//
// Why: the web application writes into the same file and waits for the write lock while we hold
// it, so every purge transaction should hold it about kTargetTxnMs (DESIGN: <= 25 ms), whatever
// the rows cost: a narrow session row, a 50 KB quarantined message, a row with five indexes, a
// cold page cache, a host throttled to 1 MiB/s of IO.
//
// How: after each batch, the next size is target / cost per row, the cost being the last batch's
// or the smoothed cost of the recent ones, whichever is higher (a loaded host makes single
// measurements noisy; a slowdown still counts at once). Growth is at most 2x per batch (one
// fast batch may have found its pages cached); shrinking is at most 4x per batch, so one outlier
// (the host paused us mid-batch) does not collapse the size; but a batch that held the lock
// longer than general.max_transaction drops straight to the size the target allows. The size
// always stays within [min_rows, max_rows]. A batch the time bound stopped (Db::write threw
// TransactionTooLong after max_transaction) is recorded with record_stopped(): its cost is at least
// bound / rows, and the next size is at most half of it.
//
// batch_size is clamped to kMaxBatchRows, whatever the configuration says.
#pragma once
#include <cstdint>

namespace mj {

// 12 ms, not 20: SQLite's busy handler polls a waiting writer at 1, 3, 8, 18, 33 ms and the purge
// leaves the lock free 10 ms after each batch (purge_connection.h), so a writer that arrived during
// a batch of up to 18 ms gets in by its 18 ms poll; a longer hold costs it 33 ms (measured: writer
// p99 34 ms with 18-20 ms batches). Not 14 either: a commit that meets a checkpoint's fsync can
// take 10 ms instead of 3, and at 14 ms that pushed enough batches past 18 ms to give the writer a
// p99 of 34-36 ms in 3 of 3 runs (12 ms: ~20 ms in 2 of 3) for 5-10% more rows/s.
constexpr int64_t kTargetTxnMs = 12;          // keeps the longest write transaction under 25 ms
constexpr int64_t kMaxBatchRows = 50000;      // bounds memory and the SQL text of one rowid list
constexpr int64_t kMaxFirstBatchRows = 5000;  // a bigger batch_size is reached by growing (2x per batch)

class BatchSizer {
public:
    struct Limits {
        int64_t start = 1000;      // first batch (the job's batch_size)
        int64_t min_rows = 1;
        int64_t max_rows = 64000;
        int64_t target_us = kTargetTxnMs * 1000;
        int64_t limit_us = 1000000;  // general.max_transaction
    };

    // Limits for a purge that starts at `batch_size` rows (at most kMaxBatchRows): it may grow to
    // 64x that (at least 1000, at most kMaxBatchRows) and shrink to 1 row.
    static Limits for_batch_size(int64_t batch_size, int64_t max_transaction_us);

    explicit BatchSizer(const Limits& limits);

    int64_t size() const { return size_; }
    // The last batch: `rows` it worked on and how long it held the write lock.
    void record(int64_t rows, int64_t txn_us);
    // The last batch of `rows` was stopped by the time bound after `held_us` and rolled back.
    void record_stopped(int64_t rows, int64_t held_us);
    // True when the last recorded batch held the lock longer than limit_us.
    bool over_limit() const { return over_limit_; }
    const Limits& limits() const { return limits_; }

private:
    Limits limits_;
    int64_t size_;
    bool over_limit_ = false;
    double smoothed_cost_ = 0;  // microseconds per row, exponentially smoothed
};

}  // namespace mj
