// Index changes too long for one transaction of a tick: each one builds an index over a whole
// table (CREATE INDEX reads every row while holding the write lock), so on a big file it belongs to
// `mailjobs migrate`, run by the operator at a quiet time, never to a cron run.
//
// Why not a schema migration: migrations are versioned and every command applies them, so one
// that builds an index over 10M rows would hold the application's writers off for seconds inside
// the first tick after an upgrade. An index step changes no table and no query's result, only
// which b-trees a row is in, so the binary works the same before and after it; what is pending is
// told by `mailjobs doctor`. On a table this small (kAutoIndexRows) the build is as short as a
// purge batch, and every command applies it (a new install never has anything pending).
//
// A step is done when sqlite_master holds exactly its CREATE statement under its index name. It is
// applied in one transaction: DROP INDEX (the old definition, if any), CREATE INDEX.
//
// The steps so far (issue 18): the due-queue indexes become partial, over the rows still in the
// queue (waiting or claimed). A finished row (delivered, sent, failed for good) is then in no queue
// index, so the purge that deletes it rewrites one b-tree fewer, and the queue's claim, claim
// expiry and depth queries read the same range as before (tests/unit/index_steps_test.cpp checks
// their plans). SQLite uses a partial index only when the query's WHERE implies the index's: an
// index WHERE of `status = 'a' OR status = 'b'` is implied by `status = 'a'`, not by `status IN
// ('a', 'b')` (a query with an IN list of queue statuses must use OR to keep the index).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/db.h"

namespace mj {

struct IndexStep {
    const char* index;  // index name (the one it replaces has the same name)
    const char* table;
    const char* sql;    // the CREATE INDEX statement, exactly as sqlite_master keeps it
};

// Tables up to this many rows (rowid span) get their steps from any command: measured ~20 ms.
constexpr int64_t kAutoIndexRows = 20000;

const std::vector<IndexStep>& index_steps();

struct IndexStepState {
    const IndexStep* step;
    bool done;
    int64_t rows;  // the table's rowid span: an upper bound of its rows, read from the b-tree's two ends
};
std::vector<IndexStepState> index_step_states(Db& db);

struct AppliedIndexStep {
    std::string index;
    int64_t rows = 0;
    int64_t ms = 0;  // time the write lock was held
};
// Applies the pending steps: all of them (`mailjobs migrate`; not bounded by max_transaction), or
// only those on tables of at most kAutoIndexRows rows.
std::vector<AppliedIndexStep> apply_index_steps(Db& db, bool all);

}  // namespace mj
