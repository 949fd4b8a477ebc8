#include "core/queue_samples.h"

#include "core/log.h"
#include "core/queue_depths.h"

namespace mj {

void record_queue_samples(Db& db, int64_t now) {
    try {
        const nlohmann::json depths = collect_queue_depths(db, now);  // reads outside the write
        db.write([&] {
            for (auto it = depths.begin(); it != depths.end(); ++it) {
                Statement q(db, "INSERT INTO queue_samples(sampled_at, queue, pending, due) VALUES(?, ?, ?, ?)");
                q.bind(1, now);
                q.bind(2, it.key());
                q.bind(3, it.value()["pending"].get<int64_t>());
                q.bind(4, it.value()["due"].get<int64_t>());
                q.exec();
            }
        });
    } catch (const std::exception& e) {
        logger().log(Level::warn, "queue_sample_failed", {{"error", e.what()}});
    }
}

std::vector<QueueSample> queue_samples_since(Db& db, int64_t since) {
    Statement q(db, "SELECT sampled_at, queue, pending, due FROM queue_samples WHERE sampled_at >= ? ORDER BY sampled_at, id");
    q.bind(1, since);
    std::vector<QueueSample> out;
    while (q.step()) out.push_back({q.column(0).as_int64(), q.column(1).as_text(), q.column(2).as_int64(), q.column(3).as_int64()});
    return out;
}

}  // namespace mj
