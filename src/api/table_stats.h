// `cleanup stats`: rows, bytes and the oldest row of every table in the database file (the
// application's and ours), plus file, free-page and WAL sizes. Read only.
//
// Cost (measured on an 850 MB file, 1M delivery_log + 1M sessions): rows use count(*) (SQLite
// walks the smallest index: ~10 ms per 1M rows); the oldest row is min(time column), through an
// index where one exists (~0 ms) else a scan (~100 ms per 1M sessions); bytes come from ONE pass
// of the dbstat virtual table over every page of the file (~0.5 s warm, ~0.9 s cold), so it
// reads the whole file: `bytes = false` skips it for frequent polling on IO-limited hosts.
#pragma once
#include <nlohmann/json.hpp>

#include "core/db.h"

namespace mj {

// {"tables":[{"table","rows","bytes","indexBytes","timeColumn","oldestAt"}], "databaseBytes",
//  "freeBytes", "walBytes", "pageSize"}. bytes/indexBytes are null when with_bytes is false.
// timeColumn: created_at if the table has one, else its first *_at column, else null.
nlohmann::json table_stats(Db& db, bool with_bytes);

}  // namespace mj
