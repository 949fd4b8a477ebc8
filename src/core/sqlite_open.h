// How the layer opens a SQLite database (core/sqlite_open.cpp); Db::open and its siblings call
// these for a `[general] database` that is a path. Same promises as the Db:: functions of the name.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "core/db.h"

namespace mj {

// Checks the file before SQLite sees it (a refusal leaves no trace), creates a missing one with
// options.create_mode, connects; throws Error(kExitDatabase). Nothing is set up or migrated yet.
std::unique_ptr<Db> open_sqlite(const std::string& path, int64_t busy_timeout_ms, const DbOpenOptions& options);
std::string sqlite_file_problem(const std::string& path);  // Db::file_problem
std::unique_ptr<Db> open_sqlite_plain(const std::string& path, int64_t busy_timeout_ms, Db::Access access);
std::unique_ptr<Db> open_sqlite_scratch();
std::unique_ptr<WalCheckpointConnection> open_sqlite_checkpoint_connection(const std::string& path);
bool sqlite_open_elsewhere(const std::string& path);

}  // namespace mj
