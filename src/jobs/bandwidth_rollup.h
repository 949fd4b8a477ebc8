// bandwidth-rollup (BJ-10): daily and weekly per-user totals of bandwidth_usage in
// bandwidth_rollups, for the dashboard and usage-threshold-check.
//
// Idempotent by recomputation, never by increment (addy.io and Postal count as mail flows, so a
// retried or held message counts twice: Postal #49). A run:
// 1. Walks the rows added since its watermark (job_state cursor "after_id": every row with id <= it
//    is rolled up; bandwidth_usage.id is AUTOINCREMENT since schema 6, so ids are never reused and
//    a row only becomes visible after every smaller id) in chunks of kChunkRows, collects the
//    (user, UTC day) windows they touch and recomputes each window from ALL its raw rows:
//    UPSERT ... SET bytes_used = <recomputed>. The week holding a recomputed day is recomputed from
//    its day rows in the same transaction. The last batch of a chunk moves the watermark, so a stop
//    or kill -9 at any point only makes the next run recompute a window again: never counted twice.
// 2. Recomputes every window of the last `lateness` (rows written late or corrected in place).
// 3. After a complete pass, records "complete_before" (00:00 UTC of the run's day: every row of an
//    earlier day written before the run is in the rollups; the dashboard query in share/schema.md
//    reads rollups before it and raw rows from it) and "closed_before", the day before which raw
//    rows are deleted: 00:00 UTC of now - raw_retention, never moving back. A day before
//    closed_before is never recomputed (its raw rows are gone or going): a row written that late is
//    counted as late_rows_ignored and left out, since recomputing would lose the purged rows.
// 4. Deletes rolled-up raw rows before closed_before through the retention engine, then daily and
//    weekly rollups past their own retentions (rollups are WITHOUT ROWID, which the engine's
//    rowid batches do not cover: a small keyset loop here).
// Dry-run walks the same windows, counts the day rows that would change and what would be
// deleted, and writes nothing.
#pragma once
#include "core/job.h"

namespace mj {
Outcome bandwidth_rollup(JobContext& ctx);
}  // namespace mj
