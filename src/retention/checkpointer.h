// WAL checkpoints on a thread of their own while a purge runs.
//
// Why: a checkpoint copies the WAL back into the database file and fsyncs both; on the benchmark's
// disk that is 15-25 ms, nearly all of it waiting for the fsyncs. Run in the purge's own thread
// between batches it took 7.2 s of an 11 s purge of 500k rows (bench/purge.bench.sh). A PASSIVE
// checkpoint holds no lock the application needs (only the checkpoint lock), so it can run while
// the next batch is selected, while the application writes in the gap we leave it, and during
// the next batch itself.
//
// When: right after each of our commits; a request made while a pass runs starts one more pass
// when it ends (it then copies both batches at once). Tried and measured worse: dropping such
// requests so that no pass runs into the next commit (an fsync running while a batch commits makes
// the commit's writes wait for the disk: commits 2.7 ms median, 10 ms at p90). The batches left
// uncopied were then copied by the application's own automatic checkpoint, up to 500 ms inside
// one of its INSERTs.
//
// It keeps the application's own commits cheap too: SQLite's automatic checkpoint runs inside
// the COMMIT of whichever connection sees >= 1000 WAL pages. The application commits in the gap
// after our commit, while our pass holds the checkpoint lock, and its attempt returns at once
// (SQLITE_BUSY, ignored by SQLite).
//
// Each request copies the WAL to its end if it can: after a pass, another one copies what was
// committed meanwhile, until a pass finds nothing new (bounded). SQLite starts the WAL over only
// when a write begins while everything in it has been copied; drain() waits for that state, which
// is how the purge bounds the WAL's size.
//
// The thread has its own connection (Db::open_checkpoint_connection; never shared) and
// runs at nice +10 so that it never takes the CPU from a batch holding the write lock.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/db.h"

namespace mj {

class Checkpointer {
public:
    // Opens a second connection to `path`; if that fails, nothing is ever checkpointed.
    explicit Checkpointer(const std::string& path);
    ~Checkpointer();  // drains, then stops
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // Right after a commit of ours: a PASSIVE checkpoint of everything committed so far, started
    // at once or when the running one ends; returns at once.
    void request();
    // A request, then waits until no pass is pending or running.
    void drain();

    struct Stats {
        int64_t checkpoints = 0;  // passes run
        int64_t max_us = 0;
    };
    Stats stats();

private:
    using Clock = std::chrono::steady_clock;
    static constexpr int kMaxPasses = 20;
    static constexpr int kNice = 10;
    void loop();
    void note(Clock::time_point start);

    std::unique_ptr<WalCheckpointConnection> db_;  // null: could not be opened
    std::mutex mutex_;
    std::condition_variable wake_, idle_;
    bool pending_ = false, running_ = false, stop_ = false;
    Stats stats_;
    std::thread thread_;
};

}  // namespace mj
