#include "retention/batch_sizer.h"

#include <algorithm>

namespace mj {

BatchSizer::Limits BatchSizer::for_batch_size(int64_t batch_size, int64_t max_transaction_us) {
    Limits l;
    // Clamped here whatever the config table allows: batch_size = 999999999999999 once made one
    // 1.4 s transaction (and a rowid list that size). The time bound stops what is still too big.
    // A huge batch_size still starts at kMaxFirstBatchRows: a first batch the bound stops costs its
    // rollback on top (measured: 50000 rows stopped at 200 ms held the lock 317 ms on a loaded host).
    const int64_t wanted = std::clamp<int64_t>(batch_size, 1, kMaxBatchRows);
    l.start = std::min(wanted, kMaxFirstBatchRows);
    l.max_rows = std::min(kMaxBatchRows, std::max<int64_t>(1000, wanted * 64));
    l.limit_us = std::max<int64_t>(1, max_transaction_us);
    // The target never exceeds the operator's ceiling.
    l.target_us = std::min<int64_t>(kTargetTxnMs * 1000, l.limit_us);
    return l;
}

BatchSizer::BatchSizer(const Limits& limits) : limits_(limits) {
    limits_.min_rows = std::max<int64_t>(1, limits_.min_rows);
    limits_.max_rows = std::max(limits_.min_rows, limits_.max_rows);
    size_ = std::clamp(limits_.start, limits_.min_rows, limits_.max_rows);
}

void BatchSizer::record_stopped(int64_t rows, int64_t held_us) {
    if (rows <= 0) return;
    record(rows, std::max(held_us, limits_.limit_us + 1));
    over_limit_ = true;
    // At least halved, so retrying a stopped batch always ends: at one row, or at a size that fits.
    size_ = std::max(limits_.min_rows, std::min(size_, rows / 2));
}

void BatchSizer::record(int64_t rows, int64_t txn_us) {
    if (rows <= 0) return;
    txn_us = std::max<int64_t>(1, txn_us);
    over_limit_ = txn_us > limits_.limit_us;
    // Cost per row: the last batch's, or the smoothed one if that is higher. Slowdowns count at
    // once; a single fast batch (CPU contention lifted for a moment) does not.
    const double cost = static_cast<double>(txn_us) / static_cast<double>(rows);
    smoothed_cost_ = smoothed_cost_ > 0 ? 0.7 * smoothed_cost_ + 0.3 * cost : cost;
    double ideal = static_cast<double>(limits_.target_us) / std::max(cost, smoothed_cost_);
    double next = ideal;
    if (!over_limit_) next = std::clamp(ideal, static_cast<double>(size_) / 4.0, static_cast<double>(size_) * 2.0);
    size_ = std::clamp(static_cast<int64_t>(next), limits_.min_rows, limits_.max_rows);
}

}  // namespace mj
