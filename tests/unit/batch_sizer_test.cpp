#include "retention/batch_sizer.h"

#include <catch2/catch.hpp>

#include <cstdlib>

using mj::BatchSizer;

TEST_CASE("BatchSizer::for_batch_size, bounds") {
    auto l = BatchSizer::for_batch_size(1000, 1000000);
    CHECK(l.start == 1000);
    CHECK(l.max_rows == 50000);  // 64x would be 64000: capped by kMaxBatchRows
    CHECK(l.min_rows == 1);
    CHECK(l.target_us == mj::kTargetTxnMs * 1000);
    CHECK(BatchSizer::for_batch_size(10, 1000000).max_rows == 1000);  // at least 1000
    CHECK(BatchSizer::for_batch_size(100, 1000000).max_rows == 6400);
    CHECK(BatchSizer::for_batch_size(0, 1000000).start == 1);
    // An operator's huge batch_size is clamped (it once made a 1.4 s transaction).
    CHECK(BatchSizer::for_batch_size(200000, 1000000).start == mj::kMaxFirstBatchRows);
    CHECK(BatchSizer::for_batch_size(200000, 1000000).max_rows == mj::kMaxBatchRows);
    CHECK(BatchSizer::for_batch_size(999999999999999, 1000000).start == mj::kMaxFirstBatchRows);
    CHECK(BatchSizer::for_batch_size(999999999999999, 1000000).max_rows == mj::kMaxBatchRows);
    CHECK(BatchSizer::for_batch_size(20000, 1000000).start == mj::kMaxFirstBatchRows);
    CHECK(BatchSizer::for_batch_size(-5, 1000000).start == 1);
    // A max_transaction below the target lowers the target.
    CHECK(BatchSizer::for_batch_size(1000, 5000).target_us == 5000);
}

TEST_CASE("BatchSizer::record, adapts toward the target") {
    BatchSizer s(BatchSizer::for_batch_size(1000, 1000000));
    const int64_t T = mj::kTargetTxnMs * 1000;  // the target, in microseconds
    SECTION("fast batches grow at most 2x per batch") {
        s.record(1000, 1000);  // 1 ms for 1000 rows: ideal 20000
        CHECK(s.size() == 2000);
        s.record(2000, 2000);
        CHECK(s.size() == 4000);
    }
    SECTION("a batch on target keeps its size") {
        s.record(1000, T);
        CHECK(s.size() == 1000);
    }
    SECTION("slow batches shrink proportionally, at most 4x per batch") {
        s.record(1000, 2 * T);  // twice the target
        CHECK(s.size() == 500);
        s.record(500, 10 * T);  // 10x the target: 4x at most
        CHECK(s.size() == 125);
    }
    SECTION("a batch over max_transaction drops straight to what the target allows") {
        s.record(1000, 2000000);  // 2 s > 1 s limit
        CHECK(s.over_limit());
        CHECK(s.size() == T / 2000);  // 2000 us per row
        s.record(s.size(), 100);
        CHECK_FALSE(s.over_limit());
    }
    SECTION("never below min_rows or above max_rows") {
        for (int i = 0; i < 50; ++i) s.record(s.size(), 1);
        CHECK(s.size() == s.limits().max_rows);
        for (int i = 0; i < 50; ++i) s.record(s.size(), 100000000);
        CHECK(s.size() == 1);
    }
    SECTION("one fast batch after slow ones does not undo the slowdown (smoothed cost)") {
        s.record(1000, 2 * T);  // 2T/1000 us per row
        CHECK(s.size() == 500);
        s.record(500, 500);     // 1 us/row, but the smoothed cost is 0.7 * 2T/1000 + 0.3 * 1
        const double smoothed = 0.7 * 2.0 * static_cast<double>(T) / 1000 + 0.3;
        CHECK(std::llabs(s.size() - static_cast<int64_t>(static_cast<double>(T) / smoothed)) <= 1);
        CHECK(s.size() < 1000);
    }
    SECTION("a batch the time bound stopped: at most half its rows next, down to one row") {
        s.record_stopped(1000, 1000100);  // stopped at the 1 s bound: >= 1000 us per row
        CHECK(s.over_limit());
        CHECK(s.size() == static_cast<int64_t>(static_cast<double>(T) / 1000.1));  // what the target allows
        BatchSizer cheap(BatchSizer::for_batch_size(1000, 1000000));
        cheap.record_stopped(1000, 10);   // a bogus short time still counts as the bound
        CHECK(cheap.size() <= 500);
        int64_t rows = 1000, steps = 0;
        while (rows > 1 && steps < 20) { cheap.record_stopped(rows, 1000001); rows = cheap.size(); ++steps; }
        CHECK(rows == 1);
        CHECK(steps <= 10);
    }
    SECTION("nothing recorded for an empty batch") {
        s.record(0, 5000000);
        CHECK(s.size() == 1000);
    }
}
