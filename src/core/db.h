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
// - Every write transaction is bounded in time (general.max_transaction), here, once, so every job
//   gets it: while write() holds the lock, SQLite's progress handler checks the clock every
//   kProgressOps VM instructions and stops the running statement once the bound has passed
//   (SQLITE_INTERRUPT); the transaction is rolled back and TransactionTooLong thrown. A batch size is
//   only a guess (an operator's `where` with a correlated subquery held the lock 12 s in one batch);
//   the bound is what the application can rely on. Callers that work in batches (the retention
//   engine, vacuum) catch it, shrink the batch and go on; anywhere else it fails the job with its
//   own message. Migrations are exempt (Checks::none): a schema change must finish once.
// - A write check (set_write_check) runs first inside every job write transaction: the runner
//   installs the lease check there (lease.h), so a run whose lease was removed (`unlock --force`)
//   or taken over commits nothing more, not only after its next heartbeat. Writes that only touch
//   rows the run has claimed (claimed_by = owner: a send's outcome, releasing claims) pass
//   Checks::bound_only: the claim protects them, and refusing them would send those messages again.
// - A file mailjobs creates gets OpenOptions::create_mode (general.database_mode, 0600 by default;
//   SQLite gives -wal and -shm the mode of the main file). An existing file is never chmod'ed.
#pragma once
#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace mj {

class Config;

// Thrown by Db::write when a transaction passed general.max_transaction: its statement was stopped
// (SQLITE_INTERRUPT) and everything it wrote rolled back. Its own type, so callers can tell it from
// every other failure; what() starts with "transaction over max_transaction".
class TransactionTooLong : public std::runtime_error {
public:
    TransactionTooLong(int64_t bound_us, int64_t held_us);
    int64_t bound_us, held_us;
};

// How Db::open opens (outside the class: GCC refuses a nested struct's default member initializers
// in a default argument of the enclosing class).
struct DbOpenOptions {
    int64_t max_transaction_us = 0;  // 0 = no time bound
    int create_mode = 0600;          // mode of a file this open creates
    bool create = true;              // false: a missing file is an error (exit 3), nothing is created
};

class Db {
public:
    enum class Migrate { yes, no };
    // What a write transaction checks besides its own work: all (time bound and write check), the
    // time bound only (the lease's own heartbeat, which checks ownership in its UPDATE), or nothing
    // (migrations).
    enum class Checks { all, bound_only, none };
    using OpenOptions = DbOpenOptions;
    // The options general.max_transaction and general.database_mode give.
    static OpenOptions options(const Config& config);

    // Opens (creating if absent) and migrates the file. Throws Error(kExitDatabase) with a one-line
    // message for: a missing folder, a file that is not a database, a read-only file, a schema
    // newer than this binary. In all those cases the file is left byte-for-byte unchanged.
    static std::unique_ptr<Db> open(const std::string& path, int64_t busy_timeout_ms, Migrate migrate = Migrate::yes,
                                    const OpenOptions& options = DbOpenOptions());

    SQLite::Database& sql() { return *db_; }
    const std::string& path() const { return path_; }

    // Runs fn() inside BEGIN IMMEDIATE ... COMMIT (ROLLBACK if fn throws) and records its length
    // (also of a transaction that rolled back: the lock was held all the same). Throws
    // TransactionTooLong when the time bound stopped it, even if fn caught SQLite's error itself.
    template <class F>
    void write(F&& fn, Checks checks = Checks::all) {
        begin_write(checks);
        try {
            if (checks == Checks::all && write_check_) write_check_();
            fn();
        } catch (...) {
            abort_write();  // throws TransactionTooLong instead when the bound stopped fn
            throw;
        }
        commit_write();
    }

    // The time bound of every later write transaction (0 = none).
    void set_max_transaction_us(int64_t us) { max_transaction_us_ = us; }
    int64_t max_transaction_us() const { return max_transaction_us_; }
    // Runs at the start of every write(Checks::all) transaction; throws to refuse it. Empty = none.
    void set_write_check(std::function<void()> check) { write_check_ = std::move(check); }

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

    // How often (VM instructions) the progress handler looks at the clock: ~10-50 us of work.
    static constexpr int kProgressOps = 1000;

private:
    void begin_write(Checks checks);
    void abort_write();
    void commit_write();
    void end_bound();
    void note_transaction(std::chrono::steady_clock::time_point locked, std::chrono::steady_clock::time_point start);
    static int progress(void* self);
    std::unique_ptr<SQLite::Database> db_;
    std::string path_;
    int64_t max_transaction_us_ = 0;
    std::function<void()> write_check_;
    std::chrono::steady_clock::time_point txn_start_{}, txn_locked_{}, txn_deadline_{};
    bool bounded_ = false;      // the progress handler is installed for the open transaction
    bool interrupted_ = false;  // it stopped a statement of the open transaction
    int64_t max_txn_us_ = 0;
    int64_t last_txn_us_ = 0;
    int64_t last_wait_us_ = 0;
};

}  // namespace mj
