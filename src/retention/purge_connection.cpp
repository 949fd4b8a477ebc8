#include "retention/purge_connection.h"

#include <sqlite3.h>

#include <algorithm>
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
    restore_size_limit_ = db_.execAndGet("PRAGMA journal_size_limit").getInt64();
    const int64_t page = db_.execAndGet("PRAGMA page_size").getInt64();
    const int64_t bound_bytes = (static_cast<int64_t>(wal_bound_frames_) + 2 * restore_pages_) * (page + 24);
    if (restore_size_limit_ >= 0 && restore_size_limit_ < bound_bytes)
        db_.exec("PRAGMA journal_size_limit = " + std::to_string(bound_bytes));
    // Installing a WAL hook replaces the automatic checkpoint (they share the hook).
    sqlite3_wal_hook(db_.getHandle(), remember_wal_size, &wal_frames_);
}

PurgeConnection::~PurgeConnection() {
    try {
        if (restore_secure_delete_ == 1) db_.exec("PRAGMA secure_delete = ON");
        db_.exec("PRAGMA cache_size = " + std::to_string(restore_cache_size_));
        if (!wal_) return;
        checkpointer_.reset();  // copies what is left
        db_.exec("PRAGMA journal_size_limit = " + std::to_string(restore_size_limit_));
        if (peak_frames_ > restore_pages_) give_back_wal();  // else SQLite's own checkpoints kept it small
        db_.exec("PRAGMA wal_autocheckpoint = " + std::to_string(restore_pages_));  // reinstalls SQLite's hook
    } catch (...) {
    }
}

// The WAL may have grown to the bound (~130 MB) and would keep that size on disk until some
// connection starts it over with a journal_size_limit. A TRUNCATE checkpoint empties the file
// now: everything is copied already, so it holds the write lock only to wait for readers (at
// most kTruncateWaitMs, then it gives up; the limit cuts the file at our next restart instead)
// and to cut the file.
void PurgeConnection::give_back_wal() {
    const int64_t busy_ms = db_.execAndGet("PRAGMA busy_timeout").getInt64();
    sqlite3_busy_timeout(db_.getHandle(), kTruncateWaitMs);
    sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    sqlite3_busy_timeout(db_.getHandle(), static_cast<int>(busy_ms));
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
    peak_frames_ = std::max(peak_frames_, wal_frames_);
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
