// The SQLite checkpoint connection (Db::open_checkpoint_connection): a plain sqlite3 handle of its
// own, for the Checkpointer's thread only (NOMUTEX: it is never shared between threads).
#include <sqlite3.h>

#include "core/sqlite_open.h"

namespace mj {
namespace {

class SqliteCheckpointConnection final : public WalCheckpointConnection {
public:
    explicit SqliteCheckpointConnection(sqlite3* db) : db_(db) {}
    ~SqliteCheckpointConnection() override { sqlite3_close(db_); }
    SqliteCheckpointConnection(const SqliteCheckpointConnection&) = delete;
    SqliteCheckpointConnection& operator=(const SqliteCheckpointConnection&) = delete;

    bool copy_wal(int* wal_frames, int* copied_frames) override {
        return sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, wal_frames, copied_frames) == SQLITE_OK;
    }

private:
    sqlite3* db_;
};

}  // namespace

std::unique_ptr<WalCheckpointConnection> open_sqlite_checkpoint_connection(const std::string& path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return nullptr;
    }
    // The checkpoint's fsyncs follow this connection's setting: the same as mailjobs' own
    // (SqliteDb::set_up_for_jobs), so the database file is synced before the WAL may be started over.
    sqlite3_exec(db, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
    return std::make_unique<SqliteCheckpointConnection>(db);
}

}  // namespace mj
