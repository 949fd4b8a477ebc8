#include "retention/purge_connection.h"

#include <sqlite3.h>

namespace mj {
namespace {

int remember_wal_size(void* frames, sqlite3*, const char*, int n) {  // NOLINT
    *static_cast<int*>(frames) = n;
    return SQLITE_OK;
}

}  // namespace

PurgeConnection::PurgeConnection(SQLite::Database& db) : db_(db) {
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
        after_batch();
        db_.exec("PRAGMA wal_autocheckpoint = " + std::to_string(restore_pages_));  // reinstalls SQLite's hook
    } catch (...) {
    }
}

void PurgeConnection::after_batch() {
    if (!wal_ || wal_frames_ < restore_pages_) return;
    sqlite3* h = db_.getHandle();
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(h, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    // When everything was copied back, RESTART so the next writer starts the WAL from its
    // beginning; otherwise the WAL grows to the size of the whole purge while the application keeps
    // writing, and nearly every application commit ends up running a checkpoint itself. Only if
    // it is free right now: the busy handler is off for this one call, so it never waits.
    if (rc == SQLITE_OK && log > 0 && done == log) {
        int64_t busy_ms = db_.execAndGet("PRAGMA busy_timeout").getInt64();
        sqlite3_busy_timeout(h, 0);
        sqlite3_wal_checkpoint_v2(h, nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
        sqlite3_busy_timeout(h, static_cast<int>(busy_ms));
    }
    wal_frames_ = 0;
}

}  // namespace mj
