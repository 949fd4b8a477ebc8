#include "core/db.h"

#include "core/config.h"
#include "core/error.h"
#include "core/index_steps.h"
#include "core/migrations.h"
#include "core/pg_open.h"
#include "core/sqlite_open.h"

namespace mj {
namespace {

[[noreturn]] void fail(const std::string& message) { throw Error(kExitDatabase, message); }

// The URL scheme a `[general] database` value names, or "" for a file path. Config::path leaves a
// URL alone, but a caller may still have put a folder in front ("/home/u/mailjobs/postgres://db"),
// so the scheme may follow a '/'.
std::string scheme_of(const std::string& database) {
    const auto sep = database.find("://");
    if (sep == std::string::npos) return "";
    const auto slash = database.rfind('/', sep);
    const auto start = slash == std::string::npos ? 0 : slash + 1;
    return database.substr(start, sep - start);
}

// The URL itself, from its scheme on.
std::string url_of(const std::string& database) {
    const auto sep = database.find("://");
    const auto slash = database.rfind('/', sep);
    return slash == std::string::npos ? database : database.substr(slash + 1);
}

}  // namespace

bool Db::is_server(const std::string& database) {
    const std::string scheme = scheme_of(database);
    return scheme == "postgresql" || scheme == "postgres";
}

Statement::Statement(Db& db, const std::string& sql) : impl_(db.prepare(sql)) {}

TransactionTooLong::TransactionTooLong(int64_t bound, int64_t held)
    : std::runtime_error("transaction over max_transaction (" + std::to_string(bound / 1000) + " ms): stopped after " +
                         std::to_string(held / 1000) + " ms and rolled back"),
      bound_us(bound),
      held_us(held) {}

Db::OpenOptions Db::options(const Config& config) {
    OpenOptions o;
    o.max_transaction_us = config.millis("general", "max_transaction") * 1000;
    o.create_mode = config.file_mode("general", "database_mode");
    return o;
}

std::unique_ptr<Db> Db::open(const std::string& path, int64_t busy_timeout_ms, Migrate migrate, const OpenOptions& options) {
    std::unique_ptr<Db> db = is_server(path) ? open_postgresql(url_of(path), busy_timeout_ms)
                                                 : open_sqlite(path, busy_timeout_ms, options);  // checked, unchanged so far
    db->max_transaction_us_ = options.max_transaction_us;
    try {
        int version = db->schema_version();
        if (version > latest_version())
            fail("database schema version " + std::to_string(version) + " is newer than this mailjobs knows (" +
                 std::to_string(latest_version()) + "); install the newer mailjobs");
        db->set_up_for_jobs(version);
        if (migrate == Migrate::yes) db->migrate();
    } catch (const DbError& e) {
        fail("cannot open database '" + path + "': " + e.what());
    }
    return db;
}

std::unique_ptr<Db> Db::open_plain(const std::string& path, int64_t busy_timeout_ms, Access access) {
    if (is_server(path)) {
        std::unique_ptr<Db> db = open_postgresql(url_of(path), busy_timeout_ms);
        if (access == Access::read_only) db->set_query_only(true);
        return db;
    }
    return open_sqlite_plain(path, busy_timeout_ms, access);
}

std::unique_ptr<Db> Db::open_scratch() { return open_sqlite_scratch(); }

bool Db::open_elsewhere(const std::string& path) { return !is_server(path) && sqlite_open_elsewhere(path); }

std::string Db::file_problem(const std::string& path) {
    if (is_server(path)) return "";  // a server: `doctor` connects to see
    return sqlite_file_problem(path);
}

std::unique_ptr<WalCheckpointConnection> Db::open_checkpoint_connection(const std::string& path) {
    if (is_server(path)) return nullptr;
    return open_sqlite_checkpoint_connection(path);
}

int Db::latest_version() { return migrations().empty() ? 0 : migrations().back().version; }

int Db::migrate() {
    int applied = 0;
    for (const auto& m : schema_migrations()) {
        if (m.version <= schema_version()) continue;
        // Not bounded by max_transaction: on a big file a migration may need longer, and stopping it
        // would only repeat it on every run.
        write([&] {
            // Re-check inside the write lock: another process may have migrated meanwhile.
            if (schema_version() >= m.version) return;
            exec(m.sql);
            set_schema_version(m.version);
            ++applied;
        }, Checks::none);
    }
    apply_index_steps(*this, false);  // those on small tables; the others wait for `mailjobs migrate`
    return applied;
}

void Db::begin_write(Checks checks, Lock lock) {
    txn_start_ = std::chrono::steady_clock::now();
    begin_write_lock(lock);
    txn_locked_ = std::chrono::steady_clock::now();
    interrupted_ = false;
    bounded_ = checks != Checks::none && max_transaction_us_ > 0;
    if (!bounded_) return;
    // Measured from when the lock was taken: waiting for it is not holding it.
    txn_deadline_ = txn_locked_ + std::chrono::microseconds(max_transaction_us_);
    watch_deadline(true);
}

bool Db::past_deadline() {
    if (std::chrono::steady_clock::now() < txn_deadline_) return false;
    interrupted_ = true;
    return true;
}

void Db::end_bound() {
    if (!bounded_) return;
    watch_deadline(false);  // never interrupt COMMIT/ROLLBACK
    bounded_ = false;
}

void Db::abort_write() {
    end_bound();
    // An interrupted INSERT/UPDATE/DELETE may have rolled the transaction back already.
    if (in_transaction()) {
        try { rollback_transaction(); } catch (...) {}
    }
    note_transaction(txn_locked_, txn_start_);
    if (interrupted_) throw TransactionTooLong(max_transaction_us_, last_txn_us_);
}

void Db::commit_write() {
    end_bound();
    // fn caught the interrupted statement's error itself: what it wrote is incomplete, never commit it.
    if (interrupted_) abort_write();
    try {
        commit_transaction();
    } catch (...) {
        abort_write();
        throw;
    }
    note_transaction(txn_locked_, txn_start_);
}

void Db::note_transaction(std::chrono::steady_clock::time_point locked, std::chrono::steady_clock::time_point start) {
    last_wait_us_ = std::chrono::duration_cast<std::chrono::microseconds>(locked - start).count();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - locked).count();
    last_txn_us_ = us;
    if (us > max_txn_us_) max_txn_us_ = us;
}

}  // namespace mj
