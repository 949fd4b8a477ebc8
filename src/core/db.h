// The database: one SQLite file shared with the web application.
//
// Why these settings (decided here, once):
// - WAL, so the application keeps reading while a job writes, and readers never block the writer.
// - Every write is BEGIN IMMEDIATE: a deferred transaction that later upgrades to a write lock gets
//   SQLITE_BUSY_SNAPSHOT, which no busy handler retries. IMMEDIATE waits (busy_timeout) up front.
// - Each write transaction is kept short (target <= 25 ms, see retention/engine.cpp) so the
//   application never waits long for its own writes. write() measures every transaction.
// - auto_vacuum=INCREMENTAL is set before the first table exists, so `vacuum` can hand purged pages
//   back to the disk quota in bounded steps (it cannot be switched on later without a full VACUUM).
// - Schema version lives in PRAGMA user_version; a file newer than this binary is refused untouched.
#pragma once
#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace mj {

class Db {
public:
    enum class Migrate { yes, no };

    // Opens (creating if absent) and migrates the file. Throws Error(kExitDatabase) with a one-line
    // message for: a missing folder, a file that is not a database, a read-only file, a schema
    // newer than this binary. In all those cases the file is left byte-for-byte unchanged.
    static std::unique_ptr<Db> open(const std::string& path, int64_t busy_timeout_ms, Migrate migrate = Migrate::yes);

    SQLite::Database& sql() { return *db_; }
    const std::string& path() const { return path_; }

    // Runs fn() inside BEGIN IMMEDIATE ... COMMIT (ROLLBACK if fn throws) and records its length.
    template <class F>
    void write(F&& fn) {
        auto start = std::chrono::steady_clock::now();
        db_->exec("BEGIN IMMEDIATE");
        auto locked = std::chrono::steady_clock::now();
        try {
            fn();
            db_->exec("COMMIT");
        } catch (...) {
            try { db_->exec("ROLLBACK"); } catch (...) {}
            throw;
        }
        note_transaction(locked, start);
    }

    // Longest write transaction (lock held) since open, in microseconds; used by history and bench.
    int64_t max_txn_us() const { return max_txn_us_; }
    int64_t last_txn_us() const { return last_txn_us_; }
    // How long the last write() waited for the write lock (BEGIN IMMEDIATE), in microseconds.
    int64_t last_wait_us() const { return last_wait_us_; }
    void reset_txn_stats() { max_txn_us_ = 0; }

    int schema_version();
    static int latest_version();
    // Applies pending migrations; returns how many were applied.
    int migrate();

    // Convenience for single-value queries.
    int64_t scalar(const std::string& sql);

private:
    void note_transaction(std::chrono::steady_clock::time_point locked, std::chrono::steady_clock::time_point start);
    std::unique_ptr<SQLite::Database> db_;
    std::string path_;
    int64_t max_txn_us_ = 0;
    int64_t last_txn_us_ = 0;
    int64_t last_wait_us_ = 0;
};

}  // namespace mj
