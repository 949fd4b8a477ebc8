// The PostgreSQL backend of the database layer (core/db.h): libpq underneath, and the only files
// that include libpq-fe.h are core/pg_*.{h,cpp}. Selected by `[general] database =
// postgresql://USER@HOST:PORT/DB` (core/pg_open.h connects; README "Beyond one host").
//
// Decided here, once, and why:
// - Statements are SQLite's text with ?N or ? parameters; the backend rewrites them to $N before
//   preparing (outside quotes and comments), so job code keeps one text for both backends. Each
//   Statement is prepared once on the server (a named prepared statement) and executed with its
//   bindings; the whole result is read at the first step(), so a loop may run other statements on
//   the same connection while it reads (as it may on SQLite). Callers read in keyset batches
//   (LIMIT), so a result stays small.
// - One writer at a time, as on SQLite: every write transaction takes one transaction-scoped
//   advisory lock (kWriteLock) right after BEGIN. Every job was written against SQLite's rule that
//   a write transaction sees no other writer; keeping that rule on PostgreSQL keeps every job's
//   reasoning true across hosts (a lease taken twice, a claim made twice and a next-due set twice
//   are then impossible, as on one host). The transactions are short (the 25 ms target), so N
//   workers wait on each other only for those milliseconds, never for a send. The application's
//   own writes do not take the lock and never wait for it. Waiting for it is bounded by
//   lock_timeout (busy_timeout's value): a busy database, as on SQLite.
// - The time bound (Db::write) is statement_timeout, set for each statement of a bounded
//   transaction to what is left of the bound (SET LOCAL, reset at the end of the transaction); a
//   statement the server cancels (SQLSTATE 57014) is DbFailure::interrupted.
// - Failures: 40001 serialization, 40P01 deadlock, 55P03 lock not available (lock_timeout) are
//   DbFailure::busy. DbError::code is the SQLSTATE read as a base-36 number; what() is the
//   server's primary message with the SQLSTATE.
// - Schema version: the one row of table schema_version (PostgreSQL has no user_version).
// - Types: BIGINT for every integer (so an int64 binds anywhere), DOUBLE PRECISION, TEXT, BYTEA;
//   a boolean or a numeric result (sum of BIGINT) reads as an integer like SQLite's.
// - What SQLite has and PostgreSQL does not (the WAL and its checkpoints, incremental vacuum,
//   secure_delete, the page cache) are no-ops here: autovacuum returns space, the server checkpoints.
#pragma once
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/db.h"

namespace mj {

// ?N / ? parameters rewritten as $N outside string literals, quoted identifiers and comments;
// *params is the number of distinct parameters (exposed for the unit test).
std::string pg_placeholders(const std::string& sql, int* params);

// The DbError for a failed result (or, with no result, the connection's message).
DbError pg_error(PGconn* conn, const PGresult* result);

class PgDb final : public Db {
public:
    // Takes the open connection (core/pg_open.cpp); lock_timeout_ms is busy_timeout's value.
    PgDb(const std::string& url, PGconn* conn, int64_t lock_timeout_ms);
    ~PgDb() override;

    // The advisory lock key of every mailjobs write transaction ('mj' 'wr' as bytes).
    static constexpr int64_t kWriteLock = 0x6d6a7772;
    // The most parameters one statement takes. The protocol allows 65,535, but libpq 15 drops the
    // connection ("no connection to the server") on a ParameterDescription message longer than
    // 30,000 bytes (4 a parameter; its VALID_LONG_MESSAGE_TYPE check), the answer to the describe
    // every statement gets when it is prepared.
    static constexpr int kMaxParameters = 7000;

    bool is_file() const override { return false; }
    const char* skip_locked_clause() const override { return " FOR UPDATE SKIP LOCKED"; }
    // 64 rows x at most 6 parameters: far under kMaxParameters, and a round trip per 64 rows.
    int rows_per_statement() const override { return 64; }
    int exec(const std::string& sql) override;
    int64_t last_insert_id() override;
    int schema_version() override;
    std::string statement_problem(const std::string& sql, int expected_params) override;
    void set_query_only(bool on) override;
    std::vector<std::string> column_names(const std::string& table) override;
    std::vector<std::string> row_key(const std::string& table) override;
    std::vector<std::string> index_leading_with(const std::string& table, const std::string& column) override;
    bool column_not_null(const std::string& table, const std::string& column) override;
    bool has_index_leading_with(const std::string& table, const std::string& column) override;
    bool has_index_as(const std::string& name, const std::string& create_sql) override;
    std::vector<std::string> table_names() override;
    std::map<std::string, TableBytes> table_bytes() override;
    std::vector<std::string> self_referencing_columns(const std::string& table) override;
    int64_t id_high_water(const std::string& table) override;
    void raise_id_high_water(const std::string& table, int64_t id) override;
    int64_t page_size() override;
    int64_t page_count() override;
    int64_t free_pages() override { return 0; }
    AutoVacuum auto_vacuum() override { return AutoVacuum::none; }
    void release_free_pages(int64_t) override {}
    void checkpoint_wal() override {}
    std::unique_ptr<DbCopy> copy_to(const std::string& dest_path) override;
    SecureDelete secure_delete() override { return SecureDelete::off; }
    void set_secure_delete(SecureDelete) override {}
    int64_t cache_size() override { return 0; }
    void set_cache_size(int64_t) override {}
    bool wal_mode() override { return false; }
    int64_t wal_autocheckpoint() override { return 0; }
    void set_wal_autocheckpoint(int64_t) override {}
    void set_wal_commit_hook(WalCommitHook, void*) override {}

    PGconn* handle() { return conn_; }
    // The DbError for a failed result of this connection; a statement the server stopped at
    // statement_timeout marks the open transaction as past its bound.
    DbError failed(const PGresult* result);
    // Called by a statement before it runs: inside a bounded transaction, stops it when the bound
    // has passed (DbFailure::interrupted) and gives the server what is left of it.
    void before_statement();
    // A statement prepared on the server: its name and its parameters' types. Deallocated when the
    // last holder lets go (the cache, or a Statement still open after its text left the cache).
    struct Prepared {
        PgDb* db = nullptr;
        std::string name;
        std::vector<Oid> types;
        ~Prepared();
    };
    // The prepared statement for `sql` (placeholders already in $n form), from the cache or
    // prepared now (PQprepare + PQdescribePrepared, two round trips). The cache keeps the
    // kPreparedCache most recently used texts: a job that makes a Statement per row (queue_notice,
    // one audit row) then costs one round trip a row, not four (prepare, describe, execute,
    // DEALLOCATE). Names are never reused, so a cached name always means its own text.
    std::shared_ptr<const Prepared> prepared(const std::string& sql, int params);
    static constexpr size_t kPreparedCache = 200;

protected:
    std::unique_ptr<StatementBackend> prepare(const std::string& sql) override;
    void begin_write_lock(Lock lock) override;
    void commit_transaction() override;
    void rollback_transaction() override;
    bool in_transaction() override;
    void watch_deadline(bool on) override;
    void set_schema_version(int version) override;
    const std::vector<Migration>& schema_migrations() override;
    void set_up_for_jobs(int schema_version) override;

private:
    void run(const std::string& sql);  // one command, no result wanted; throws DbError
    PGconn* conn_;
    int64_t statements_ = 0;
    // The cache of prepared(): text -> statement, and the texts from least to most recently used.
    std::unordered_map<std::string, std::pair<std::shared_ptr<const Prepared>, std::list<std::string>::iterator>> prepared_;
    std::list<std::string> prepared_order_;
    bool closing_ = false;  // the destructor: no DEALLOCATE, the connection ends them all
    bool watching_ = false;
    std::chrono::steady_clock::time_point watch_end_{};
    int64_t timeout_set_ms_ = 0;  // the statement_timeout the open transaction has now (0 = none)
};

}  // namespace mj
