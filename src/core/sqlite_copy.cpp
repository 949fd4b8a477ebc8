// Db::copy_to for SQLite: the online backup API (sqlite3_backup_*) from a read-only connection of
// its own into a new file.
//
// Why a read transaction held across the steps: sqlite3_backup_step() restarts the whole copy
// whenever another connection writes the source between two steps, so against an application that
// writes every few milliseconds a copy in steps would never finish. Holding one read transaction on
// the source connection for the whole copy pins one snapshot (backup_step uses a read transaction
// that is already open and leaves it open): the copy is the database as of its start, it finishes,
// and in WAL mode readers never block writers. The price is that checkpoints cannot pass the
// snapshot while it lasts, so the WAL grows by what the application writes meanwhile; the backup
// bench measures it.
//
// The new file is made in rollback-journal mode (journal_mode=DELETE on the copy once complete):
// the source's header says WAL, and a backup must be one self-contained file, never a file plus a
// -wal beside it.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/sqlite_db.h"

namespace mj {
namespace {

[[noreturn]] void fail(sqlite3* db, int code, const std::string& what) {
    throw DbError(DbFailure::other, code, what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code)));
}

class SqliteCopy final : public DbCopy {
public:
    SqliteCopy(const std::string& source, const std::string& dest) {
        // Created first with 0600 and O_EXCL: a backup holds every user's data, and an existing
        // file is never overwritten.
        int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) throw DbError(DbFailure::other, 0, "cannot create '" + dest + "': " + std::strerror(errno));
        ::close(fd);
        int rc = sqlite3_open_v2(source.c_str(), &src_, SQLITE_OPEN_READONLY, nullptr);
        if (rc != SQLITE_OK) fail(src_, rc, "cannot open '" + source + "' to copy it");
        sqlite3_busy_timeout(src_, 5000);
        // The snapshot: a read transaction, started by the first read.
        exec(src_, "BEGIN; SELECT count(*) FROM sqlite_master;", "cannot start the read snapshot");
        rc = sqlite3_open_v2(dest.c_str(), &dst_, SQLITE_OPEN_READWRITE, nullptr);
        if (rc != SQLITE_OK) fail(dst_, rc, "cannot open '" + dest + "'");
        backup_ = sqlite3_backup_init(dst_, "main", src_, "main");
        if (!backup_) fail(dst_, sqlite3_errcode(dst_), "cannot start the copy");
    }

    ~SqliteCopy() override {
        if (backup_) sqlite3_backup_finish(backup_);
        if (dst_) sqlite3_close_v2(dst_);
        if (src_) {
            sqlite3_exec(src_, "COMMIT", nullptr, nullptr, nullptr);
            sqlite3_close_v2(src_);
        }
    }

    bool step(int64_t pages) override {
        if (!backup_) return true;
        const int rc = sqlite3_backup_step(backup_, static_cast<int>(pages > 0 ? pages : 1));
        total_ = sqlite3_backup_pagecount(backup_);
        done_ = total_ - sqlite3_backup_remaining(backup_);
        if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return false;  // more (or retry)
        if (rc != SQLITE_DONE) fail(dst_, rc, "copy failed");
        const int frc = sqlite3_backup_finish(backup_);
        backup_ = nullptr;
        if (frc != SQLITE_OK) fail(dst_, frc, "copy failed");
        exec(src_, "COMMIT", "cannot end the read snapshot");
        // One self-contained file (see the top of this file).
        exec(dst_, "PRAGMA journal_mode = DELETE;", "cannot set the copy's journal mode");
        const int crc = sqlite3_close_v2(dst_);
        dst_ = nullptr;
        if (crc != SQLITE_OK) fail(nullptr, crc, "cannot close the copy");
        return true;
    }

    int64_t pages_total() override { return total_; }
    int64_t pages_done() override { return done_; }

private:
    static void exec(sqlite3* db, const char* sql, const std::string& what) {
        char* err = nullptr;
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string msg = err ? err : sqlite3_errstr(rc);
            sqlite3_free(err);
            throw DbError(DbFailure::other, rc, what + ": " + msg);
        }
    }

    sqlite3* src_ = nullptr;
    sqlite3* dst_ = nullptr;
    sqlite3_backup* backup_ = nullptr;
    int64_t total_ = 0, done_ = 0;
};

}  // namespace

std::unique_ptr<DbCopy> SqliteDb::copy_to(const std::string& dest_path) {
    return std::make_unique<SqliteCopy>(path(), dest_path);
}

}  // namespace mj
