#include "retention/checkpointer.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace mj {

Checkpointer::Checkpointer(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        sqlite3_close(db_);
        db_ = nullptr;
        return;
    }
    // The checkpoint's fsyncs follow this connection's setting: the same as mailjobs' own (db.cpp),
    // so the database file is synced before the WAL may be started over.
    sqlite3_exec(db_, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
    thread_ = std::thread([this] { loop(); });
}

Checkpointer::~Checkpointer() {
    if (!db_) return;
    drain();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
    sqlite3_close(db_);
}

void Checkpointer::request() {
    if (!db_) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        pending_ = true;
    }
    wake_.notify_one();
}

void Checkpointer::drain() {
    if (!db_) return;
    request();
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [this] { return !pending_ && !running_; });
}

Checkpointer::Stats Checkpointer::stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
}

void Checkpointer::note(Clock::time_point start) {
    const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
    ++stats_.checkpoints;
    if (us > stats_.max_us) stats_.max_us = us;
}

void Checkpointer::loop() {
    // Below the purge's own thread: on a busy 2-core host the batch that holds the write lock
    // should get the CPU first; copying pages can wait a moment (Linux: nice applies per thread).
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kNice);
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return pending_ || stop_; });
        if (!pending_) break;  // stopping, nothing left to do
        pending_ = false;
        running_ = true;
        lock.unlock();
        // SQLITE_BUSY (the application's automatic checkpoint is running) is fine: it does the same.
        // Catch up: what was committed while we copied is copied at once, until a pass finds
        // nothing new. Bounded, so an application writing without pause cannot keep us here.
        int copied_before = -1;
        for (int pass = 0; pass < kMaxPasses; ++pass) {
            int log = 0, copied = 0;
            const auto start = Clock::now();
            const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
            lock.lock();
            note(start);
            lock.unlock();
            if (rc != SQLITE_OK || copied < log || copied == copied_before) break;  // busy, readers, or done
            copied_before = copied;
        }
        lock.lock();
        running_ = false;
        if (!pending_) idle_.notify_all();
    }
    running_ = false;
    idle_.notify_all();
}

}  // namespace mj
