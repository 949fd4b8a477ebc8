#include "retention/checkpointer.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace mj {

Checkpointer::Checkpointer(const std::string& path) : db_(Db::open_checkpoint_connection(path)) {
    if (db_) thread_ = std::thread([this] { loop(); });
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
            const bool ok = db_->copy_wal(&log, &copied);
            lock.lock();
            note(start);
            lock.unlock();
            if (!ok || copied < log || copied == copied_before) break;  // busy, readers, or done
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
