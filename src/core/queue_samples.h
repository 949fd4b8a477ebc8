// Queue depths over time, for the dashboard's queue-depth chart: each tick (and worker pass)
// writes one queue_samples row per queue (core/queue_depths.h's pending and due counts) in one
// short write; job-history-cleanup purges them with the job history (share/schema.md
// "queue_samples"). Samples use the tick's clock (--now in tests and replays), like the counts.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/db.h"

namespace mj {

// Samples every queue at `now`. A failure (a busy database) is logged and costs only the sample:
// the tick goes on.
void record_queue_samples(Db& db, int64_t now);

struct QueueSample {
    int64_t at = 0;
    std::string queue;
    int64_t pending = 0, due = 0;
};

// Samples with sampled_at >= since, oldest first (one range of the sampled_at index).
std::vector<QueueSample> queue_samples_since(Db& db, int64_t since);

}  // namespace mj
