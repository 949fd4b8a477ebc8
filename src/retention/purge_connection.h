// The connection's behaviour while a purge runs, restored when it ends (RAII).
//
// 1. It leaves the write lock free between batches (before_batch()). An application waiting for
//    the lock polls at 1, 3, 8, 18, 33 ms after its first try (SQLite's default busy handler, the
//    one behind PHP's and Python's timeouts). A writer that arrived d ms before our commit polls
//    next within 1 ms if d <= 1, 2 ms if d <= 3, 5 ms if d <= 8, 10 ms if d <= 18 (writer_gap_us()).
//    So after a batch that held the lock T ms, the lock stays free for that gap, measured from the
//    commit (selecting the next batch counts towards it): every writer that arrived during the
//    batch gets in at its next poll. Batches are held about kTargetTxnMs (batch_sizer.h), hence
//    10 ms; a vacuum step of 0.3 ms needs 1 ms. Without the gap batches follow each other ~1 ms
//    apart and the application's polls keep landing inside them: measured writer p99 180 ms.
// 2. WAL checkpoints run on a thread of their own (checkpointer.h), asked for right after each
//    commit once the WAL has passed half the connection's wal_autocheckpoint mark; our own
//    automatic checkpoint is off meanwhile, so a commit never copies pages while holding the lock.
// 3. The WAL is kept under kWalBoundFrames pages. SQLite starts the WAL over only when a write
//    begins while everything in it has been copied, and a background checkpoint (~15-25 ms of
//    fsyncs on the benchmark's disk) always ends during our next batch, so by itself the WAL never
//    restarts: it grew past 2 GB in 500k rows, and every page lookup in it got slower (5x the time
//    per row). When it passes the bound, after_batch() waits for the checkpoint to finish, and our
//    next batch (or the application's next write) starts the WAL over. Measured (500k rows, 14 ms
//    batches): with a 4000-page bound the waits took 2.6 s of an 8.4 s purge; with 32000 pages
//    (128 MB) 0.15-0.25 s of ~4.8 s. The file keeps that size until SQLite deletes it when the last
//    connection closes: cutting it (TRUNCATE checkpoint, or journal_size_limit) holds the write
//    lock for the ftruncate, measured 27 ms for 130 MB on the benchmark's disk (mounted with
//    discard), and an application INSERT waited 54 ms behind it.
// 4. secure_delete = FAST instead of Debian's default ON: deleted rows are still zeroed inside
//    the pages that are rewritten anyway, but freed pages are not rewritten with zeros. Measured on
//    the benchmark's delivery_log (1000-row batches): 30% more rows/s and 25% fewer WAL pages. Freed
//    pages leave the file with the vacuum job (incremental vacuum truncates them away).
// 5. A 16 MB page cache keeps the index pages consecutive batches rewrite in memory.
//
// Nesting: a job may hold one for its whole run (its own writes between purges: a cursor, an
// upload record) while the engine's purge() makes its own inside; the inner one then shares the
// outer one (its batches hand their checkpoints to the outer's thread) instead of finding the
// automatic checkpoint already off and running none, and restores nothing.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/db.h"
#include "retention/checkpointer.h"

namespace mj {

// How long the lock stays free after a transaction that held it `txn_us`.
int64_t writer_gap_us(int64_t txn_us);
constexpr int kWalBoundFrames = 32000;

class PurgeConnection {
public:
    explicit PurgeConnection(Db& db, int wal_bound_frames = kWalBoundFrames);
    ~PurgeConnection();
    PurgeConnection(const PurgeConnection&) = delete;
    PurgeConnection& operator=(const PurgeConnection&) = delete;

    // One batch: before_batch(), db.write(fn), after_batch() with the time it held the lock; also
    // when the batch rolled back (the time bound stopped it, TransactionTooLong): the application
    // waited all the same, so the writers' gap follows it too.
    template <class F>
    void write(Db& db, F&& fn) {
        before_batch();
        try {
            db.write(std::forward<F>(fn));
        } catch (...) {
            after_batch(db.last_txn_us());
            throw;
        }
        after_batch(db.last_txn_us());
    }
    // Right before a batch takes the write lock: sleeps until the lock has been free
    // writer_gap_us(last batch) since the last batch committed, that of any PurgeConnection.
    void before_batch();
    // Right after a batch committed: hands a checkpoint to the checkpointer once the WAL has grown
    // past half the mark, waits for it when the WAL is past the bound, and starts the writers' gap.
    void after_batch(int64_t txn_us);
    // WAL pages after the last commit (0 when not in WAL mode); for the debug log.
    int wal_frames() const { return outer_ ? outer_->wal_frames() : wal_seen_.frames; }
    // Checkpoints run so far, their longest, and the waits for them at the bound.
    Checkpointer::Stats checkpoints() const;
    int64_t bound_waits() const { return outer_ ? outer_->bound_waits() : bound_waits_; }

    // What the WAL hook saw: WAL size after the last commit, commits so far.
    struct WalSeen {
        int frames = 0;
        int64_t commits = 0;
    };

private:
    Db& db_;
    const int wal_bound_frames_;
    PurgeConnection* outer_ = nullptr;     // the one this nests in (same Db), or none
    PurgeConnection* previous_ = nullptr;  // the innermost active one before this (another Db's)
    int64_t restore_pages_ = 1000;  // the connection's wal_autocheckpoint before
    Db::SecureDelete restore_secure_delete_ = Db::SecureDelete::off;
    int64_t restore_cache_size_ = -2000;
    WalSeen wal_seen_;
    int64_t handled_commits_ = 0;   // commits after_batch() has looked at
    int64_t bound_waits_ = 0;
    bool wal_ = false;
    std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace mj
