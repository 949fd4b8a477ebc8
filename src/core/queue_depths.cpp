#include "core/queue_depths.h"

#include <cstdio>

namespace mj {
namespace {

struct QueueSql {
    const char* name;
    const char* pending;  // WHERE clause: waiting or claimed
    const char* due;      // WHERE clause: due now (?1)
    const char* since;    // the column the age counts from
};

// The statuses are the ones in share/schema.md; claimed rows count as pending (not yet done).
const QueueSql kQueues[] = {
    {"failed_emails", "status IN ('pending','sending')", "status = 'pending' AND next_attempt_at <= ?1", "first_failed_at"},
    {"delivery_log", "status IN ('pending','failed','delivering')", "status IN ('pending','failed') AND next_retry_at <= ?1", "created_at"},
    {"notification_outbox", "status IN ('queued','sending')", "status = 'queued' AND next_attempt_at <= ?1", "created_at"},
};

}  // namespace

nlohmann::json collect_queue_depths(Db& db, int64_t now) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& q : kQueues) {
        std::string t = q.name;
        SQLite::Statement p(db.sql(), "SELECT count(*), min(" + std::string(q.since) + ") FROM " + t + " WHERE " + q.pending);
        p.executeStep();
        nlohmann::json row = {{"pending", p.getColumn(0).getInt64()}, {"oldest_pending_age_s", nullptr}};
        if (!p.getColumn(1).isNull()) row["oldest_pending_age_s"] = std::max<int64_t>(0, now - p.getColumn(1).getInt64());
        SQLite::Statement d(db.sql(), "SELECT count(*) FROM " + t + " WHERE " + q.due);
        d.bind(1, now);
        d.executeStep();
        row["due"] = d.getColumn(0).getInt64();
        out[t] = row;
    }
    return out;
}

nlohmann::json recent_operator_alerts(Db& db, int limit) {
    SQLite::Statement q(db.sql(),
                        "SELECT job, kind, run_id, consecutive_failures, channel, status, error, created_at "
                        "FROM operator_alerts ORDER BY id DESC LIMIT ?");
    q.bind(1, limit);
    nlohmann::json out = nlohmann::json::array();
    while (q.executeStep()) {
        out.push_back({{"job", q.getColumn(0).getString()}, {"kind", q.getColumn(1).getString()},
                       {"run_id", q.getColumn(2).isNull() ? nlohmann::json(nullptr) : nlohmann::json(q.getColumn(2).getInt64())},
                       {"consecutive_failures", q.getColumn(3).getInt64()}, {"channel", q.getColumn(4).getString()},
                       {"status", q.getColumn(5).getString()},
                       {"error", q.getColumn(6).isNull() ? nlohmann::json(nullptr) : nlohmann::json(q.getColumn(6).getString())},
                       {"created_at", q.getColumn(7).getInt64()}});
    }
    return out;
}

std::string queue_depths_text(const nlohmann::json& queues) {
    char line[160];
    std::snprintf(line, sizeof line, "\n%-32s %9s %9s  %s\n", "QUEUE", "PENDING", "DUE", "OLDEST PENDING");
    std::string out = line;
    for (auto it = queues.begin(); it != queues.end(); ++it) {
        const auto& q = it.value();
        std::string age = q["oldest_pending_age_s"].is_null() ? "-" : std::to_string(q["oldest_pending_age_s"].get<int64_t>()) + "s";
        std::snprintf(line, sizeof line, "%-32s %9lld %9lld  %s\n", it.key().c_str(), static_cast<long long>(q["pending"].get<int64_t>()),
                      static_cast<long long>(q["due"].get<int64_t>()), age.c_str());
        out += line;
    }
    return out;
}

void add_monitoring_status(Db& db, int64_t now, nlohmann::json& status) {
    status["queues"] = collect_queue_depths(db, now);
    status["alerts"] = recent_operator_alerts(db, 10);
}

}  // namespace mj
