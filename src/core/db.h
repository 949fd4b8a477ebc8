// The database layer: one small interface every job, the retention engine, the API and the
// commands go through (in the spirit of ccache's remote storage backends). Callers hold a Db& and
// never know which backend it is; statements with positional parameters are in statement.h, the
// failure kinds (busy, interrupted) in db_error.h.
//
// The backend is chosen from `[general] database`: a path is a SQLite file (core/sqlite_db.h says
// how it is set up and why: WAL, BEGIN IMMEDIATE, incremental auto-vacuum). A postgresql:// URL is
// refused for now (exit 2). What differs between databases (write locks, PRAGMAs, the WAL,
// vacuum) is a named operation below, implemented by each backend once.
//
// Decided here, once, for every backend:
// - write() measures every write transaction (how long it waited for the lock, how long it held it).
// - Every write transaction is bounded in time (general.max_transaction), here, once, so every job
//   gets it: while write() holds the lock, the backend stops the running statement once the bound
//   has passed (DbFailure::interrupted); the transaction is rolled back and TransactionTooLong
//   thrown. A batch size is only a guess (an operator's `where` with a correlated subquery held the
//   lock 12 s in one batch); the bound is what the application can rely on. Callers that work in
//   batches (the retention engine, vacuum) catch it, shrink the batch and go on; anywhere else it
//   fails the job with its own message. Migrations are exempt (Checks::none): a schema change must
//   finish once.
// - A write check (set_write_check) runs first inside every job write transaction: the runner
//   installs the lease check there (lease.h), so a run whose lease was removed (`unlock --force`)
//   or taken over commits nothing more, not only after its next heartbeat. Writes that only touch
//   rows the run has claimed (claimed_by = owner: a send's outcome, releasing claims) pass
//   Checks::bound_only: the claim protects them, and refusing them would send those messages again.
// - Schema version: a database newer than this binary is refused untouched.
// - A file mailjobs creates gets OpenOptions::create_mode (general.database_mode, 0600 by default).
//   An existing file is never chmod'ed.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/db_error.h"
#include "core/statement.h"

namespace mj {

class Config;
struct Migration;

// Thrown by Db::write when a transaction passed general.max_transaction: its statement was stopped
// (DbFailure::interrupted) and everything it wrote rolled back. Its own type, so callers can tell it
// from every other failure; what() starts with "transaction over max_transaction".
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

// A connection of its own that copies committed WAL pages back into the database file, for a
// thread of its own (retention/checkpointer.h); never shared between threads.
class WalCheckpointConnection {
public:
    virtual ~WalCheckpointConnection() = default;
    // One PASSIVE checkpoint: copies what no reader still needs, waits for no lock. False when it
    // could not run (busy: another checkpoint runs); *wal_frames and *copied_frames after it.
    virtual bool copy_wal(int* wal_frames, int* copied_frames) = 0;
};

// A consistent copy of a whole database into a new file, made in steps (the backup job, `migrate`'s
// backup first): it copies the database as it was when the copy began, whatever is written
// meanwhile, and never holds a lock the application's writers wait for (db.h: copy_to).
class DbCopy {
public:
    virtual ~DbCopy() = default;
    // Copies up to `pages` more pages; true once the whole database is in the new file (then the
    // file is complete and closed, in rollback-journal mode: one self-contained file).
    virtual bool step(int64_t pages) = 0;
    virtual int64_t pages_total() = 0;
    virtual int64_t pages_done() = 0;
};

class Db {
public:
    enum class Migrate { yes, no };
    // What a write transaction checks besides its own work: all (time bound and write check), the
    // time bound only (the lease's own heartbeat, which checks ownership in its UPDATE), or nothing
    // (migrations).
    enum class Checks { all, bound_only, none };
    enum class Access { read_only, read_write };
    // What a write transaction locks. database: the one write lock (SQLite's only kind; on
    // PostgreSQL a transaction-level advisory lock, so mailjobs' writers take turns there as they
    // do on SQLite, and a job's read-then-write stays as safe). rows: on PostgreSQL only the rows
    // its statements touch, for the queue claims (claimable() then locks its rows FOR UPDATE SKIP
    // LOCKED) and the claimed rows' results (WHERE claimed_by = owner), so workers on several hosts
    // claim and record without waiting on each other. SQLite takes its one lock either way.
    enum class Lock { database, rows };
    using OpenOptions = DbOpenOptions;
    // The options general.max_transaction and general.database_mode give.
    static OpenOptions options(const Config& config);

    // Opens (creating if absent) and migrates the database. Throws Error(kExitDatabase) with a
    // one-line message for: a missing folder, a file that is not a database, a read-only file, a
    // schema newer than this binary; in all those cases the file is left byte-for-byte unchanged.
    // Error(kExitUsage) for a postgresql:// URL (not supported yet).
    static std::unique_ptr<Db> open(const std::string& path, int64_t busy_timeout_ms, Migrate migrate = Migrate::yes,
                                    const OpenOptions& options = DbOpenOptions());
    // The database as it is: no settings changed, no migration, nothing created (a schema check
    // that must not touch the file). Throws DbError when it cannot be opened.
    static std::unique_ptr<Db> open_plain(const std::string& path, int64_t busy_timeout_ms, Access access);
    // What Db::open would refuse about the file before opening it (missing folder, not a regular
    // file, read-only file or folder, not a SQLite file), as its one-line message; "" when none.
    // A missing file is "" too (open creates it). Touches nothing (`mailjobs doctor`).
    static std::string file_problem(const std::string& path);
    // Whether a `[general] database` value names a PostgreSQL server (postgresql://...), not a file.
    static bool is_server(const std::string& database);
    // Text a backend cannot hold as given (PostgreSQL's text: bytes that are not UTF-8) is stored
    // with U+FFFD in their place, so a receiver's or relay's hostile reply never fails a job; SQLite
    // keeps the bytes. copy-to turns it off: a value it would change stops the copy instead.
    void set_replace_invalid_text(bool on) { replace_invalid_text_ = on; }
    bool replace_invalid_text() const { return replace_invalid_text_; }
    // This backend's migrations (the same version numbers on every backend): a check that applies
    // the pending ones inside a transaction it rolls back (operator policies).
    const std::vector<Migration>& pending_migrations_source() { return schema_migrations(); }
    // An empty database in memory, gone when closed (a scratch schema).
    static std::unique_ptr<Db> open_scratch();
    // Whether another process has the database at `path` open now (`restore` refuses then). Read
    // from the locks the backend's connections hold, not guessed; this process's own do not count.
    static bool open_elsewhere(const std::string& path);
    // A checkpoint connection to the database at `path`; nullptr when it cannot be opened.
    static std::unique_ptr<WalCheckpointConnection> open_checkpoint_connection(const std::string& path);

    virtual ~Db() = default;
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    const std::string& path() const { return path_; }
    // Whether the database is one file on this host (SQLite): backups copy it, vacuum hands its free
    // pages back, its bytes count on this disk. False for a server (PostgreSQL), whose own tools do
    // those (pg_dump, autovacuum); the backup and vacuum jobs then say so and change nothing.
    virtual bool is_file() const { return true; }

    // Runs SQL without parameters (one or more statements); returns the rows the last one changed.
    virtual int exec(const std::string& sql) = 0;
    // The first column of the first row as an integer; 0 when there is no row or it is NULL.
    template <class... Values>
    int64_t scalar(const std::string& sql, const Values&... values) {
        Statement q(*this, sql);
        q.bind_all(values...);
        if (!q.step() || q.column(0).is_null()) return 0;
        return q.column(0).as_int64();
    }
    // A statement prepared and bound, ready for step().
    template <class... Values>
    Statement query(const std::string& sql, const Values&... values) {
        Statement q(*this, sql);
        q.bind_all(values...);
        return q;
    }
    // Appended to a SELECT of queue rows inside a write(Lock::rows) transaction: " FOR UPDATE SKIP
    // LOCKED" on PostgreSQL (rows another worker's open claim holds are passed over, not waited
    // for), "" on SQLite (one writer at a time: nothing to skip).
    virtual const char* skip_locked_clause() const { return ""; }
    // How many rows one statement of a batch should carry (a multi-row VALUES list): 1 on SQLite,
    // where a statement is a function call and one prepared statement run per row is the cheapest
    // (measured: 500-row literal VALUES upserts wrote rollups at half the speed); more on
    // PostgreSQL, where every statement is a round trip to the server.
    virtual int rows_per_statement() const { return 1; }
    bool in_write() { return in_transaction(); }  // inside a write() transaction
    // The id of the row the last INSERT of this connection added.
    virtual int64_t last_insert_id() = 0;

    // Runs fn() inside a write transaction (ROLLBACK if fn throws) and records its length (also of
    // a transaction that rolled back: the lock was held all the same). Throws TransactionTooLong
    // when the time bound stopped it, even if fn caught the statement's error itself.
    template <class F>
    void write(F&& fn, Checks checks = Checks::all, Lock lock = Lock::database) {
        begin_write(checks, lock);
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
    // How long the last write() waited for the write lock, in microseconds.
    int64_t last_wait_us() const { return last_wait_us_; }
    void reset_txn_stats() { max_txn_us_ = 0; }

    virtual int schema_version() = 0;
    static int latest_version();
    // Applies pending migrations; returns how many were applied.
    int migrate();

    // "" when `sql` prepares as exactly one statement with `expected_params` parameters, else why
    // not (the backend's message, or what is wrong); never runs it.
    virtual std::string statement_problem(const std::string& sql, int expected_params) = 0;
    // While on, every write through this connection fails (the CGI's read-only requests).
    virtual void set_query_only(bool on) = 0;

    // The schema: a table's column names in their order (none for a missing table), and whether
    // an index that is not partial has `column` first (case-insensitive), so a max() is one seek.
    virtual std::vector<std::string> column_names(const std::string& table) = 0;
    virtual bool has_index_leading_with(const std::string& table, const std::string& column) = 0;
    // The columns that order a table's rows for keyset reads and batched deletes: {"rowid"} for an
    // ordinary table, the primary key's columns in order for one without a rowid.
    virtual std::vector<std::string> row_key(const std::string& table) = 0;
    // The columns of the shortest index that is not partial and has `column` first, in order
    // (none when there is no such index), and whether a column is declared NOT NULL.
    virtual std::vector<std::string> index_leading_with(const std::string& table, const std::string& column) = 0;
    virtual bool column_not_null(const std::string& table, const std::string& column) = 0;
    // For `mailjobs copy-to` (core/copy_database.h): the tables in the order they were made (a
    // parent before the tables that refer to it), a table's columns that refer to its own rows
    // (notification_outbox.digest_id), and the id high-water mark: the highest id ever handed out
    // (SQLite's sqlite_sequence for AUTOINCREMENT, else max(id); PostgreSQL's identity sequence),
    // which raise_id_high_water() moves up so no id is handed out twice after a copy.
    virtual std::vector<std::string> table_names() = 0;
    // Bytes on disk of each table and of its indexes (SQLite: one dbstat pass over the file).
    struct TableBytes { int64_t table = 0, indexes = 0; };
    virtual std::map<std::string, TableBytes> table_bytes() = 0;
    virtual std::vector<std::string> self_referencing_columns(const std::string& table) = 0;
    virtual int64_t id_high_water(const std::string& table) = 0;
    virtual void raise_id_high_water(const std::string& table, int64_t id) = 0;
    // Whether index `name` exists as `create_sql` made it (core/index_steps.h: a rebuild is done).
    virtual bool has_index_as(const std::string& name, const std::string& create_sql) = 0;

    // Space, and handing free space back to the disk (the vacuum job, the table-stats API).
    enum class AutoVacuum { none = 0, full = 1, incremental = 2 };
    virtual int64_t page_size() = 0;
    virtual int64_t page_count() = 0;
    virtual int64_t free_pages() = 0;
    virtual AutoVacuum auto_vacuum() = 0;
    // Returns up to `pages` free pages to the file system (inside a write transaction).
    virtual void release_free_pages(int64_t pages) = 0;
    // Copies committed WAL pages back into the database file now, without waiting for readers.
    virtual void checkpoint_wal() = 0;
    // Starts a copy of this database into `dest_path` (a new file, created with mode 0600). It reads
    // through a connection of its own that holds one read snapshot for the whole copy: in WAL mode
    // the application's writers never wait for it (only checkpoints stop at the snapshot, so the
    // WAL grows by what is written meanwhile). Throws DbError when either file cannot be opened.
    virtual std::unique_ptr<DbCopy> copy_to(const std::string& dest_path) = 0;

    // Settings a long purge changes for its length and restores (retention/purge_connection.h).
    // Whether deleted content is overwritten: off, on (also freed pages), fast (only in pages
    // that are rewritten anyway).
    enum class SecureDelete { off = 0, on = 1, fast = 2 };
    virtual SecureDelete secure_delete() = 0;
    virtual void set_secure_delete(SecureDelete mode) = 0;
    // The page cache: pages if positive, KiB if negative.
    virtual int64_t cache_size() = 0;
    virtual void set_cache_size(int64_t size) = 0;
    // Whether the database is in WAL mode (false for a backend without one).
    virtual bool wal_mode() = 0;
    // The automatic checkpoint: after a commit that leaves the WAL this many pages or more (0: off).
    // Setting it ends a commit hook.
    virtual int64_t wal_autocheckpoint() = 0;
    virtual void set_wal_autocheckpoint(int64_t pages) = 0;
    // Runs hook(arg, WAL pages) after every commit instead of the automatic checkpoint, until
    // set_wal_autocheckpoint() (the purge checkpoints on a thread of its own meanwhile).
    using WalCommitHook = void (*)(void* arg, int wal_frames);
    virtual void set_wal_commit_hook(WalCommitHook hook, void* arg) = 0;

protected:
    explicit Db(std::string path) : path_(std::move(path)) {}
    bool replace_invalid_text_ = true;
    friend class Statement;
    // What each backend implements for write() and open().
    virtual std::unique_ptr<StatementBackend> prepare(const std::string& sql) = 0;
    virtual void begin_write_lock(Lock lock) = 0;  // starts a transaction that holds the write lock (or, rows: none yet)
    virtual void commit_transaction() = 0;
    virtual void rollback_transaction() = 0;
    virtual bool in_transaction() = 0;
    // While on, the backend calls past_deadline() every little while during a statement and stops
    // the statement (DbFailure::interrupted) when it returns true.
    virtual void watch_deadline(bool on) = 0;
    virtual void set_schema_version(int version) = 0;
    // The backend's migrations, under the same version numbers on every backend (core/migrations.h).
    virtual const std::vector<Migration>& schema_migrations() = 0;
    // Settings every job connection gets, right after the schema version check (may change the file).
    virtual void set_up_for_jobs(int schema_version) = 0;
    // Called by the backend while watch_deadline(true): whether the open transaction passed its bound.
    bool past_deadline();
    // When the open bounded transaction's bound passes (valid while watch_deadline(true)).
    std::chrono::steady_clock::time_point deadline() const { return txn_deadline_; }

private:
    void begin_write(Checks checks, Lock lock);
    void abort_write();
    void commit_write();
    void end_bound();
    void note_transaction(std::chrono::steady_clock::time_point locked, std::chrono::steady_clock::time_point start);
    std::string path_;
    int64_t max_transaction_us_ = 0;
    std::function<void()> write_check_;
    std::chrono::steady_clock::time_point txn_start_{}, txn_locked_{}, txn_deadline_{};
    bool bounded_ = false;      // the deadline is watched for the open transaction
    bool interrupted_ = false;  // it stopped a statement of the open transaction
    int64_t max_txn_us_ = 0;
    int64_t last_txn_us_ = 0;
    int64_t last_wait_us_ = 0;
};

}  // namespace mj
