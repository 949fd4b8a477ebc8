#include "retention/purge_connection.h"

#include <sqlite3.h>

namespace mj {
namespace {

int remember_wal_size(void* frames, sqlite3*, const char*, int n) {
    *static_cast<int*>(frames) = n;
    return SQLITE_OK;
}

}  // namespace

PurgeConnection::PurgeConnection(SQLite::Database& db) : db_(db) {
    restore_secure_delete_ = db_.execAndGet("PRAGMA secure_delete").getInt64();
    if (restore_secure_delete_ == 1) db_.exec("PRAGMA secure_delete = FAST");
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
        if (!wal_) return;
        after_batch();
        db_.exec("PRAGMA wal_autocheckpoint = " + std::to_string(restore_pages_));  // reinstalls SQLite's hook
    } catch (...) {
    }
}

void PurgeConnection::after_batch() {
    if (!wal_ || wal_frames_ < restore_pages_) return;
    sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    wal_frames_ = 0;
}

}  // namespace mj
