#include "retention/purge_connection.h"

#include <thread>

namespace mj {
namespace {

void remember_wal_size(void* arg, int n) {
    auto* wal = static_cast<PurgeConnection::WalSeen*>(arg);
    wal->frames = n;
    ++wal->commits;
}

// When the write lock may be taken again. Not a member: the gap follows the last batch of this
// process even when that was another policy's PurgeConnection (a policy stopped at max_transaction
// and the next policy's first batch were back to back, and an application writer waiting through
// both passed its busy timeout). A process works on one database.
std::chrono::steady_clock::time_point g_free_until{};
// The outermost PurgeConnection of this thread (header: nesting).
thread_local PurgeConnection* g_active = nullptr;

}  // namespace

PurgeConnection::PurgeConnection(Db& db, int wal_bound_frames)
    : db_(db), wal_bound_frames_(wal_bound_frames) {
    if (g_active && &g_active->db_ == &db_) {
        outer_ = g_active;
        return;
    }
    previous_ = g_active;
    g_active = this;
    restore_secure_delete_ = db_.secure_delete();
    if (restore_secure_delete_ == Db::SecureDelete::on) db_.set_secure_delete(Db::SecureDelete::fast);
    // A bigger page cache keeps the index pages a batch rewrites in memory: measured 25-35% less
    // time per row inside the write lock (bench/purge.bench.sh, BENCH_PROBE=1); at most +16 MB RSS.
    restore_cache_size_ = db_.cache_size();
    db_.set_cache_size(-16384);
    wal_ = db_.wal_mode();
    if (!wal_) return;
    restore_pages_ = db_.wal_autocheckpoint();
    if (restore_pages_ <= 0) {  // automatic checkpoints were off already: leave it so
        wal_ = false;
        return;
    }
    // Replaces the automatic checkpoint until the destructor sets it again.
    db_.set_wal_commit_hook(remember_wal_size, &wal_seen_);
}

PurgeConnection::~PurgeConnection() {
    if (outer_) return;
    g_active = previous_;
    try {
        if (restore_secure_delete_ == Db::SecureDelete::on) db_.set_secure_delete(Db::SecureDelete::on);
        db_.set_cache_size(restore_cache_size_);
        if (!wal_) return;
        checkpointer_.reset();  // copies what is left
        db_.set_wal_autocheckpoint(restore_pages_);  // ends our commit hook
    } catch (...) {
    }
}

int64_t writer_gap_us(int64_t txn_us) {
    // SQLite's default busy handler (sqliteDefaultBusyCallback) sleeps 1, 2, 5, 10, 15, 20, 25, 25,
    // 25, 50, 50 ms and then 100 ms between tries, which are at 0, 1, 3, 8, 18, 33, 53, 78, 103,
    // 128, 178, 228, 328, ... ms: a writer that arrived up to `upto` before our commit tries again
    // within `gap` after it. The rows past 53 ms matter for transactions near max_transaction (a
    // batch the time bound stopped): with a 25 ms gap after a 200 ms transaction, a writer polling
    // every 100 ms missed the free lock and, waiting through the next one too, passed its 0.5 s
    // busy timeout ("database is locked", seen on a loaded CI machine).
    static constexpr struct { int64_t upto_ms, gap_ms; } kPolls[] = {
        {1, 1}, {3, 2}, {8, 5}, {18, 10}, {33, 15}, {53, 20}, {128, 25}, {228, 50}};
    for (const auto& p : kPolls)
        if (txn_us <= p.upto_ms * 1000) return p.gap_ms * 1000;
    return 100000;
}

void PurgeConnection::before_batch() { std::this_thread::sleep_until(g_free_until); }

void PurgeConnection::after_batch(int64_t txn_us) {
    if (outer_) return outer_->after_batch(txn_us);
    // The gap is for SQLite's one write lock. A PostgreSQL server has none to free: the
    // application's writers wait only for the rows a batch holds (old rows, the ones it removes),
    // so the next batch starts at once (a 10 ms gap after each of alias-expiry's ~12 ms batches).
    g_free_until = std::chrono::steady_clock::now() + std::chrono::microseconds(db_.is_file() ? writer_gap_us(txn_us) : 0);
    // Only a batch that wrote to the WAL since the last call can need a checkpoint.
    if (!wal_ || wal_seen_.commits == handled_commits_) return;
    handled_commits_ = wal_seen_.commits;
    // Half the application's mark: a batch plus what the application writes before our next
    // checkpoint must not reach the mark, or the application's COMMIT copies them itself.
    if (wal_seen_.frames < restore_pages_ / 2) return;
    // Started on first use: a purge that finds little to do costs no thread and no connection.
    if (!checkpointer_) checkpointer_ = std::make_unique<Checkpointer>(db_.path());
    checkpointer_->request();
    if (wal_seen_.frames >= wal_bound_frames_) {
        checkpointer_->drain();  // the writers' gap runs meanwhile: the lock is free
        ++bound_waits_;
    }
}

Checkpointer::Stats PurgeConnection::checkpoints() const {
    if (outer_) return outer_->checkpoints();
    return checkpointer_ ? checkpointer_->stats() : Checkpointer::Stats{};
}

}  // namespace mj
