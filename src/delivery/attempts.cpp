#include "delivery/attempts.h"

namespace mj {

void record_attempt_in_txn(Db& db, const Attempt& a) {
    Statement q(db,
                "INSERT INTO job_attempts(run_id, job, item_table, item_id, attempt, status_code, error, duration_ms, "
                "next_retry_at, will_retry, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (a.run_id) q.bind(1, a.run_id); else q.bind(1);
    q.bind(2, a.job);
    q.bind(3, a.item_table);
    q.bind(4, a.item_id);
    q.bind(5, a.attempt);
    if (a.status_code) q.bind(6, *a.status_code); else q.bind(6);
    if (a.error.empty()) q.bind(7); else q.bind(7, a.error);
    q.bind(8, a.duration_ms);
    if (a.next_retry_at) q.bind(9, *a.next_retry_at); else q.bind(9);
    q.bind(10, a.next_retry_at ? 1 : 0);
    q.bind(11, a.created_at);
    q.exec();
}

nlohmann::json recent_attempts(Db& db, const std::string& job, int64_t run_id, int limit) {
    // Uses job_attempts_run_id for one run; otherwise walks the primary key backwards.
    Statement q(db,
                "SELECT id, run_id, job, item_table, item_id, attempt, status_code, error, duration_ms, next_retry_at, "
                "will_retry, created_at FROM job_attempts WHERE (?1 = '' OR job = ?1) AND (?2 = 0 OR run_id = ?2) "
                "ORDER BY id DESC LIMIT ?3");
    q.bind(1, job);
    q.bind(2, run_id);
    q.bind(3, limit);
    nlohmann::json out = nlohmann::json::array();
    auto opt = [&](int col) -> nlohmann::json {
        return q.column(col).is_null() ? nlohmann::json(nullptr) : nlohmann::json(q.column(col).as_int64());
    };
    while (q.step()) {
        out.push_back({{"id", q.column(0).as_int64()}, {"run_id", opt(1)}, {"job", q.column(2).as_text()},
                       {"item_table", q.column(3).as_text()}, {"item_id", q.column(4).as_int64()},
                       {"attempt", q.column(5).as_int64()}, {"status_code", opt(6)},
                       {"error", q.column(7).is_null() ? nlohmann::json(nullptr) : nlohmann::json(q.column(7).as_text())},
                       {"duration_ms", opt(8)}, {"next_retry_at", opt(9)}, {"will_retry", q.column(10).as_int() != 0},
                       {"created_at", q.column(11).as_int64()}});
    }
    return out;
}

}  // namespace mj
