// The live progress line of `mailjobs run` and `tick` on a terminal (issue 16), the way ninja
// shows its status: one line per job, rewritten in place with "\r" after each batch (at most ten
// times a second), left as the job's last state when it ends:
//   delivery-log-cleanup  12,000 of 100,000 rows (12%)  4,310 rows/s  ETA 18s  batch 11 ms
// On stdout, like ninja: stdout is what a person watches, while stderr carries the log's readable
// lines and errors, which cron mails and scripts collect: no progress may end up there. Shown only
// when stdout is a terminal and neither --quiet nor --json is given.
#pragma once
#include <chrono>
#include <string>

#include <cxxopts.hpp>

#include "core/job.h"

namespace mj {

// The line for these figures (pure, unit-tested): rows done, expected (0 = unknown), elapsed
// seconds, last batch length in microseconds.
std::string progress_line(const std::string& job, int64_t done, int64_t expected, double elapsed_s, int64_t batch_us);

// Installs the terminal observer for its lifetime when the options and stdout allow it.
class ProgressScope {
public:
    explicit ProgressScope(const cxxopts::ParseResult& args);
    ~ProgressScope();
    ProgressScope(const ProgressScope&) = delete;
    ProgressScope& operator=(const ProgressScope&) = delete;
    bool active() const { return observer_ != nullptr; }

private:
    ProgressObserver* observer_ = nullptr;
};

}  // namespace mj
