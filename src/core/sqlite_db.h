// The SQLite backend of the database layer (core/db.h): SQLiteCpp underneath, and the only files
// that include it or sqlite3.h are core/sqlite_*.{h,cpp}.
//
// Why these settings (decided here, once):
// - WAL, so the application keeps reading while a job writes, and readers never block the writer.
// - Every write is BEGIN IMMEDIATE: a deferred transaction that later upgrades to a write lock gets
//   SQLITE_BUSY_SNAPSHOT, which no busy handler retries. IMMEDIATE waits (busy_timeout) up front.
// - Each write transaction is kept short (target <= 25 ms, see retention/engine.cpp) so the
//   application never waits long for its own writes. Db::write measures every transaction.
// - auto_vacuum=INCREMENTAL is set before the first table exists, so `vacuum` can hand purged pages
//   back to the disk quota in bounded steps (it cannot be switched on later without a full VACUUM).
// - Schema version lives in PRAGMA user_version.
// - The time bound (Db::write) is SQLite's progress handler: it looks at the clock every
//   kProgressOps VM instructions and stops the statement (SQLITE_INTERRUPT) once the bound passed.
// - SQLite gives -wal and -shm the mode of the main file (general.database_mode).
// - Busy: SQLITE_BUSY and SQLITE_LOCKED are DbFailure::busy, SQLITE_INTERRUPT is ::interrupted.
#pragma once
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/db.h"

namespace mj {

class SqliteDb final : public Db {
public:
    // Connects with SQLiteCpp's open flags; throws DbError.
    SqliteDb(const std::string& path, int flags, int64_t busy_timeout_ms);

    // How often (VM instructions) the progress handler looks at the clock: ~10-50 us of work.
    static constexpr int kProgressOps = 1000;

    SQLite::Database& handle() { return db_; }

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
    int64_t free_pages() override;
    AutoVacuum auto_vacuum() override;
    void release_free_pages(int64_t pages) override;
    void checkpoint_wal() override;
    std::unique_ptr<DbCopy> copy_to(const std::string& dest_path) override;  // core/sqlite_copy.cpp
    SecureDelete secure_delete() override;
    void set_secure_delete(SecureDelete mode) override;
    int64_t cache_size() override;
    void set_cache_size(int64_t size) override;
    bool wal_mode() override;
    int64_t wal_autocheckpoint() override;
    void set_wal_autocheckpoint(int64_t pages) override;
    void set_wal_commit_hook(WalCommitHook hook, void* arg) override;

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
    static int progress(void* self);
    static int wal_committed(void* self, ::sqlite3*, const char*, int frames);
    SQLite::Database db_;
    WalCommitHook wal_hook_ = nullptr;
    void* wal_hook_arg_ = nullptr;
};

// SQLite's error as the layer's (busy and interrupted as their own kinds, the message unchanged).
DbError db_error(const SQLite::Exception& e);

// Test support: the SQLite connection under `db` (unit tests set up data through it).
SQLite::Database& sqlite_handle(Db& db);

}  // namespace mj
