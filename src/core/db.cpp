#include "core/db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/config.h"
#include "core/error.h"
#include "core/migrations.h"

namespace mj {
namespace {

[[noreturn]] void fail(const std::string& message) { throw Error(kExitDatabase, message); }

std::string folder_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// Checks everything we can without opening the file through SQLite, so that a refusal never
// leaves a trace (no -wal/-shm, no header change).
void check_before_open(const std::string& path) {
    std::string folder = folder_of(path);
    struct stat st {};
    if (stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail("database folder '" + folder + "' does not exist (create it: mkdir -p " + folder + ")");
    bool folder_writable = access(folder.c_str(), W_OK) == 0 && (st.st_mode & 0222) != 0;
    if (stat(path.c_str(), &st) != 0) {
        if (!folder_writable)
            fail("cannot create database in '" + folder + "': folder is not writable");
        return;  // a new database
    }
    if (!S_ISREG(st.st_mode)) fail("database '" + path + "' is not a regular file");
    // Mode bits, not just access(): root passes access() on a 0444 file, but the operator who made
    // the file read-only meant it.
    if ((st.st_mode & 0222) == 0 || access(path.c_str(), W_OK) != 0)
        fail("database '" + path + "' is read-only (mailjobs needs to write it: chmod 600 " + path + ")");
    if (!folder_writable)
        fail("database folder '" + folder + "' is not writable (SQLite keeps its -wal and -shm files there)");
    if (st.st_size == 0) return;
    char header[16] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(header, sizeof header);
    if (!in || std::memcmp(header, "SQLite format 3", 16) != 0)
        fail("'" + path + "' is not a SQLite database");
}

// A new database file with exactly `mode` (not mode & ~umask: the operator asked for that mode).
// O_EXCL: if another process created it meanwhile, that file is used as it is and never chmod'ed.
void create_file(const std::string& path, int mode) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
    if (fd < 0) {
        if (errno == EEXIST) return;
        fail("cannot create database '" + path + "': " + std::strerror(errno));
    }
    const bool ok = fchmod(fd, static_cast<mode_t>(mode)) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        fail("cannot set mode of new database '" + path + "': " + std::strerror(err));
    }
}

}  // namespace

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
    check_before_open(path);
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
        if (!options.create) fail("database '" + path + "' does not exist");
        create_file(path, options.create_mode);
    }
    auto db = std::make_unique<Db>();
    db->path_ = path;
    db->max_transaction_us_ = options.max_transaction_us;
    try {
        db->db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db->db_->setBusyTimeout(static_cast<int>(busy_timeout_ms));
        int version = db->schema_version();
        if (version > latest_version())
            fail("database schema version " + std::to_string(version) + " is newer than this mailjobs knows (" +
                 std::to_string(latest_version()) + "); install the newer mailjobs");
        if (version == 0 && db->scalar("SELECT count(*) FROM sqlite_master") == 0)
            db->db_->exec("PRAGMA auto_vacuum = INCREMENTAL");
        db->db_->exec("PRAGMA journal_mode = WAL");
        // NORMAL is durable across process crashes in WAL mode (the case cron kills produce);
        // only a power loss can drop the last commits, never corrupt the file.
        db->db_->exec("PRAGMA synchronous = NORMAL");
        db->db_->exec("PRAGMA foreign_keys = ON");
        if (migrate == Migrate::yes) db->migrate();
    } catch (const Error&) {
        throw;
    } catch (const SQLite::Exception& e) {
        fail("cannot open database '" + path + "': " + e.what());
    }
    return db;
}

int Db::schema_version() { return static_cast<int>(scalar("PRAGMA user_version")); }

int Db::latest_version() { return migrations().empty() ? 0 : migrations().back().version; }

int Db::migrate() {
    int applied = 0;
    for (const auto& m : migrations()) {
        if (m.version <= schema_version()) continue;
        // Not bounded by max_transaction: on a big file a migration may need longer, and stopping it
        // would only repeat it on every run.
        write([&] {
            // Re-check inside the write lock: another process may have migrated meanwhile.
            if (schema_version() >= m.version) return;
            db_->exec(m.sql);
            db_->exec("PRAGMA user_version = " + std::to_string(m.version));
            ++applied;
        }, Checks::none);
    }
    return applied;
}

int64_t Db::scalar(const std::string& sql) {
    SQLite::Statement q(*db_, sql);
    if (!q.executeStep() || q.getColumn(0).isNull()) return 0;
    return q.getColumn(0).getInt64();
}

void Db::begin_write(Checks checks) {
    txn_start_ = std::chrono::steady_clock::now();
    db_->exec("BEGIN IMMEDIATE");
    txn_locked_ = std::chrono::steady_clock::now();
    interrupted_ = false;
    bounded_ = checks != Checks::none && max_transaction_us_ > 0;
    if (!bounded_) return;
    // Measured from when the lock was taken: waiting for it is not holding it.
    txn_deadline_ = txn_locked_ + std::chrono::microseconds(max_transaction_us_);
    sqlite3_progress_handler(db_->getHandle(), kProgressOps, &Db::progress, this);
}

int Db::progress(void* self) {
    auto* db = static_cast<Db*>(self);
    if (std::chrono::steady_clock::now() < db->txn_deadline_) return 0;
    db->interrupted_ = true;
    return 1;  // SQLite stops the statement with SQLITE_INTERRUPT
}

void Db::end_bound() {
    if (!bounded_) return;
    sqlite3_progress_handler(db_->getHandle(), 0, nullptr, nullptr);  // never interrupt COMMIT/ROLLBACK
    bounded_ = false;
}

void Db::abort_write() {
    end_bound();
    // An interrupted INSERT/UPDATE/DELETE may have rolled the transaction back already.
    if (!sqlite3_get_autocommit(db_->getHandle())) {
        try { db_->exec("ROLLBACK"); } catch (...) {}
    }
    note_transaction(txn_locked_, txn_start_);
    if (interrupted_) throw TransactionTooLong(max_transaction_us_, last_txn_us_);
}

void Db::commit_write() {
    end_bound();
    // fn caught the interrupted statement's error itself: what it wrote is incomplete, never commit it.
    if (interrupted_) abort_write();
    try {
        db_->exec("COMMIT");
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
