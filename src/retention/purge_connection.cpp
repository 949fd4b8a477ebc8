#include "retention/purge_connection.h"

#include <sqlite3.h>

#include <thread>

namespace mj {
namespace {

int remember_wal_size(void* frames, sqlite3*, const char*, int n) {  // NOLINT
    *static_cast<int*>(frames) = n;
    return SQLITE_OK;
}

}  // namespace

PurgeConnection::PurgeConnection(SQLite::Database& db, int wal_bound_frames)
    : db_(db), wal_bound_frames_(wal_bound_frames) {
    restore_secure_delete_ = db_.execAndGet("PRAGMA secure_delete").getInt64();
    if (restore_secure_delete_ == 1) db_.exec("PRAGMA secure_delete = FAST");
    // A bigger page cache keeps the index pages a batch rewrites in memory: measured 25-35% less
    // time per row inside the write lock (bench/purge.bench.sh, BENCH_PROBE=1); at most +16 MB RSS.
    restore_cache_size_ = db_.execAndGet("PRAGMA cache_size").getInt64();
    db_.exec("PRAGMA cache_size = -16384");
    wal_ = db_.execAndGet("PRAGMA journal_mode").getString() == "wal";
    if (!wal_) return;
    restore_pages_ = db_.execAndGet("PRAGMA wal_autocheckpoint").getInt64();
    if (restore_pages_ <= 0) {  // automatic checkpoints were off already: leave it so
        wal_ = false;
        return;
    }
    // Installing a WAL hook replaces the automatic checkpoint (they share the hook).
    sqlite3_wal_hook(db_.getHandle(), remember_wal_size, &wal_frames_);
}

PurgeConnection::~PurgeConnection() {
    try {
        if (restore_secure_delete_ == 1) db_.exec("PRAGMA secure_delete = ON");
        db_.exec("PRAGMA cache_size = " + std::to_string(restore_cache_size_));
        if (!wal_) return;
        checkpointer_.reset();  // copies what is left
        db_.exec("PRAGMA wal_autocheckpoint = " + std::to_string(restore_pages_));  // reinstalls SQLite's hook
    } catch (...) {
    }
}

void PurgeConnection::before_batch() {
    if (last_commit_ == std::chrono::steady_clock::time_point{}) return;
    std::this_thread::sleep_until(last_commit_ + std::chrono::milliseconds(kWriterGapMs));
}

void PurgeConnection::after_batch() {
    last_commit_ = std::chrono::steady_clock::now();
    // Half the application's mark: a batch plus what the application writes before our next
    // checkpoint must not reach the mark, or the application's COMMIT copies them itself.
    if (!wal_ || wal_frames_ < restore_pages_ / 2) return;
    // Started on first use: a purge that finds little to do costs no thread and no connection.
    if (!checkpointer_) checkpointer_ = std::make_unique<Checkpointer>(db_.getFilename());
    checkpointer_->request();
    if (wal_frames_ >= wal_bound_frames_) {
        checkpointer_->drain();  // the writers' gap runs meanwhile: the lock is free
        ++bound_waits_;
    }
    wal_frames_ = 0;
}

Checkpointer::Stats PurgeConnection::checkpoints() const {
    return checkpointer_ ? checkpointer_->stats() : Checkpointer::Stats{};
}

}  // namespace mj
