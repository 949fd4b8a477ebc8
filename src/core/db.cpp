#include "core/db.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

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

}  // namespace

std::unique_ptr<Db> Db::open(const std::string& path, int64_t busy_timeout_ms, Migrate migrate) {
    check_before_open(path);
    auto db = std::make_unique<Db>();
    db->path_ = path;
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
        write([&] {
            // Re-check inside the write lock: another process may have migrated meanwhile.
            if (schema_version() >= m.version) return;
            db_->exec(m.sql);
            db_->exec("PRAGMA user_version = " + std::to_string(m.version));
            ++applied;
        });
    }
    return applied;
}

int64_t Db::scalar(const std::string& sql) {
    SQLite::Statement q(*db_, sql);
    if (!q.executeStep() || q.getColumn(0).isNull()) return 0;
    return q.getColumn(0).getInt64();
}

void Db::note_transaction(std::chrono::steady_clock::time_point locked, std::chrono::steady_clock::time_point start) {
    last_wait_us_ = std::chrono::duration_cast<std::chrono::microseconds>(locked - start).count();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - locked).count();
    last_txn_us_ = us;
    if (us > max_txn_us_) max_txn_us_ = us;
}

}  // namespace mj
