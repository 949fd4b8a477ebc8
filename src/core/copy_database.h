// `mailjobs copy-to URL`: a SQLite database copied into an empty PostgreSQL one (README "Beyond
// one host"), through the database layer on both sides.
//
// What it promises:
// - Every table of mailjobs' schema, every row and every column, ids kept (so job_runs, history
//   and attempts still point at each other), the id high-water marks raised so no id is handed out
//   twice. Tables only the source has (the application's own) are listed and left: the
//   application moves those itself.
// - In batches, each one write transaction on the target that also records how far the copy got
//   (table copy_progress in the target), so a copy stopped anywhere (Ctrl-C, kill -9, a lost
//   connection) resumes where it stopped when run again, with nothing twice.
// - Verified: per table, the row count and an order-independent checksum (the sum of a SHA-256
//   of each row's values, as text) read back from both sides must match, else exit 3.
// - A value PostgreSQL refuses (text that is not UTF-8, a NUL byte in a text, a text in an
//   integer column, two addresses that differ only in case where the column is case-insensitive)
//   stops the copy with the table, the row's key and PostgreSQL's reason (exit 3); everything
//   before that row is kept and the next run resumes at it once the row is fixed. No rule rewrites
//   a value silently.
// - A self-reference (notification_outbox.digest_id names a row copied later) is copied NULL in
//   the first pass and set in a second, so the foreign key holds at every commit.
// The source is only read; the application should be stopped (writes after a table was copied
// would be missed: the verification then fails and says which table).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/db.h"

namespace mj {

struct TableCopy {
    std::string table;
    int64_t rows = 0;          // rows in the source
    int64_t copied = 0;        // rows this run wrote
    bool resumed = false;      // the table was partly copied by an earlier run
    std::string checksum;      // the verified checksum (hex), both sides
};

struct CopyResult {
    std::vector<TableCopy> tables;
    std::vector<std::string> left_out;  // source tables not in mailjobs' schema
    int64_t rows = 0, copied = 0;
};

struct CopyOptions {
    int64_t batch_rows = 1000;
    std::function<void(const std::string& table, int64_t done, int64_t total)> progress;  // may be empty
    std::function<bool()> stop;  // true: stop after the current batch (throws Error kExitInterrupted)
};

// Throws Error(kExitDatabase) for a refused value, a target that holds rows of its own, or a
// verification that does not match; Error(kExitUsage) when the source is not a SQLite file or the
// target not PostgreSQL.
CopyResult copy_database(Db& from, Db& to, const CopyOptions& options);

// The order-independent checksum of a table's rows over `columns` (exposed for the unit test).
std::string table_checksum(Db& db, const std::string& table, const std::vector<std::string>& columns,
                           const std::vector<std::string>& key, int64_t* rows);

}  // namespace mj
