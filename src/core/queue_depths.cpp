#include "core/queue_depths.h"

#include <cstdio>

#include "core/user_data.h"  // whose a queue row is, and when its user is inactive (BJ-18)

namespace mj {
namespace {

struct QueueSql {
    const char* name;
    const char* pending;  // WHERE clause: waiting or claimed
    const char* due;      // WHERE clause: due now (?1)
    const char* since;    // the column the age counts from
};

// The statuses are the ones in share/schema.md; claimed rows count as pending (not yet done).
// Written with OR, not IN: the due indexes are partial over exactly these statuses, and SQLite
// uses a partial index only for a WHERE that implies the index's (core/index_steps.h).
const QueueSql kQueues[] = {
    {"failed_emails", "(status = 'pending' OR status = 'sending')", "status = 'pending' AND next_attempt_at <= ?1", "first_failed_at"},
    {"delivery_log", "(status = 'pending' OR status = 'failed' OR status = 'delivering')",
     "(status = 'pending' OR status = 'failed') AND next_retry_at <= ?1", "created_at"},
    {"notification_outbox", "(status = 'queued' OR status = 'sending')", "status = 'queued' AND next_attempt_at <= ?1", "created_at"},
};

std::string pending_sql(const QueueSql& q) {
    return "SELECT count(*), min(" + std::string(q.since) + ") FROM " + q.name + " WHERE " + q.pending;
}

// Due rows whose user is soft-deleted or not active are not due: no job takes them until the
// account is active again (claim.h). They are shown apart, as history counts them.
std::string due_sql(const QueueSql& q) {
    const std::string inactive = row_user_inactive_sql(q.name, q.name);
    return "SELECT count(*) FILTER (WHERE NOT " + inactive + "), count(*) FILTER (WHERE " + inactive + ") FROM " + q.name +
           " WHERE " + q.due;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> queue_depth_sql() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& q : kQueues) {
        out.emplace_back(q.name, pending_sql(q));
        out.emplace_back(q.name, due_sql(q));
    }
    return out;
}

nlohmann::json collect_queue_depths(Db& db, int64_t now) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& q : kQueues) {
        Statement p(db, pending_sql(q));
        p.step();
        nlohmann::json row = {{"pending", p.column(0).as_int64()}, {"oldest_pending_age_s", nullptr}};
        if (!p.column(1).is_null()) row["oldest_pending_age_s"] = std::max<int64_t>(0, now - p.column(1).as_int64());
        Statement d(db, due_sql(q));
        d.bind(1, now);
        d.step();
        row["due"] = d.column(0).as_int64();
        row["waiting_user_inactive"] = d.column(1).as_int64();
        out[q.name] = row;
    }
    return out;
}

nlohmann::json recent_operator_alerts(Db& db, int limit) {
    Statement q(db,
                "SELECT job, kind, run_id, consecutive_failures, channel, status, error, created_at "
                "FROM operator_alerts ORDER BY id DESC LIMIT ?");
    q.bind(1, limit);
    nlohmann::json out = nlohmann::json::array();
    while (q.step()) {
        out.push_back({{"job", q.column(0).as_text()}, {"kind", q.column(1).as_text()},
                       {"run_id", q.column(2).is_null() ? nlohmann::json(nullptr) : nlohmann::json(q.column(2).as_int64())},
                       {"consecutive_failures", q.column(3).as_int64()}, {"channel", q.column(4).as_text()},
                       {"status", q.column(5).as_text()},
                       {"error", q.column(6).is_null() ? nlohmann::json(nullptr) : nlohmann::json(q.column(6).as_text())},
                       {"created_at", q.column(7).as_int64()}});
    }
    return out;
}

std::string queue_depths_text(const nlohmann::json& queues) {
    char line[160];
    std::snprintf(line, sizeof line, "\n%-32s %9s %9s %24s  %s\n", "QUEUE", "PENDING", "DUE", "WAITING (USER INACTIVE)",
                  "OLDEST PENDING");
    std::string out = line;
    for (auto it = queues.begin(); it != queues.end(); ++it) {
        const auto& q = it.value();
        std::string age = q["oldest_pending_age_s"].is_null() ? "-" : std::to_string(q["oldest_pending_age_s"].get<int64_t>()) + "s";
        std::snprintf(line, sizeof line, "%-32s %9lld %9lld %24lld  %s\n", it.key().c_str(),
                      static_cast<long long>(q["pending"].get<int64_t>()), static_cast<long long>(q["due"].get<int64_t>()),
                      static_cast<long long>(q.value("waiting_user_inactive", int64_t(0))), age.c_str());
        out += line;
    }
    return out;
}

void add_monitoring_status(Db& db, int64_t now, nlohmann::json& status) {
    status["queues"] = collect_queue_depths(db, now);
    status["alerts"] = recent_operator_alerts(db, 10);
}

}  // namespace mj
