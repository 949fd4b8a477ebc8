// One account's archive (BJ-17): every table of the one list of what belongs to a user
// (core/user_data.h) as <table>.json and/or <table>.csv (jobs/export_rows.h), the user's held mail
// as held_mail/<table>/<id>.eml from the spool folder, and manifest.json last: row counts, the
// SHA-256 and length of every member, the export time, the schema version, the columns left out.
//
// Reading: each table in keyset batches (rowid, or the primary key of a WITHOUT ROWID table), one
// short read per batch, never one long read transaction (it would hold back WAL checkpoints for
// the whole export). Rows the application changes meanwhile may appear in either state; a table is
// read twice when both formats are asked for.
// Writing: streaming through ZipWriter into `temp` (created 0600 by the caller), so memory stays
// constant; after every batch `after_batch` runs (progress, claim renewal, budget, disk cap) and
// may throw to abandon the archive. The caller fsyncs and renames.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "core/db.h"

namespace mj {

struct ExportRequest {
    int64_t id = 0;
    std::string uuid;
    int64_t user_id = 0;
    std::string user_uuid;
    std::string format = "json+csv";  // json | csv | json+csv
};

struct ExportProgress {
    int tables_total = 0;
    int tables_done = 0;
    std::string table;      // the table being written
    int64_t rows = 0;       // rows written so far (each format counts a row once)
    int64_t files = 0;      // held mail files added
    int64_t bytes_in = 0;   // uncompressed member bytes so far
};

struct ExportBuilt {
    int64_t rows = 0;
    int64_t files = 0;
    int64_t members = 0;
    int64_t bytes_in = 0;
};

// Writes the archive of `req` into `temp`. batch: rows per read. spool_dir: folder of relative
// spool_path values ("" = held mail files are left out, listed in the manifest as such).
ExportBuilt build_export_archive(Db& db, const ExportRequest& req, const std::string& temp, int64_t now, int64_t batch,
                                 const std::string& spool_dir, const std::function<void(const ExportProgress&)>& after_batch);

}  // namespace mj
