#include "retention/checkpointer.h"

#include <sqlite3.h>

namespace mj {
namespace {

int remember_wal_size(void* frames, sqlite3*, const char*, int n) {
    *static_cast<int*>(frames) = n;
    return SQLITE_OK;
}

}  // namespace

Checkpointer::Checkpointer(SQLite::Database& db) : db_(db) {
    SQLite::Statement mode(db_, "PRAGMA journal_mode");
    wal_ = mode.executeStep() && mode.getColumn(0).getString() == "wal";
    if (!wal_) return;
    SQLite::Statement pages(db_, "PRAGMA wal_autocheckpoint");
    if (pages.executeStep()) restore_pages_ = pages.getColumn(0).getInt64();
    if (restore_pages_ <= 0) {  // automatic checkpoints were off already: leave it so
        wal_ = false;
        return;
    }
    // Installing a WAL hook replaces the automatic checkpoint (they share the hook).
    sqlite3_wal_hook(db_.getHandle(), remember_wal_size, &wal_frames_);
}

Checkpointer::~Checkpointer() {
    if (!wal_) return;
    try {
        between_batches();
        db_.exec("PRAGMA wal_autocheckpoint = " + std::to_string(restore_pages_));  // reinstalls SQLite's hook
    } catch (...) {
    }
}

void Checkpointer::between_batches() {
    if (!wal_ || wal_frames_ < restore_pages_) return;
    sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    wal_frames_ = 0;
}

}  // namespace mj
