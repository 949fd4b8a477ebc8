#include "delivery/claim.h"

#include "core/user_data.h"

namespace mj {
namespace {

// " AND NOT <the row's user is inactive>" for the rows of q.table (referred to by its name).
std::string user_active_condition(const QueueSpec& q) {
    return " AND NOT " + row_user_inactive_sql(q.table, q.table);
}

}  // namespace

std::string claimable_sql(const QueueSpec& q, const std::string& lock) {
    // Two index ranges of (status, due): expired claims are few; waiting rows come in due order.
    std::string t = q.table, w = q.working, p = q.waiting, d = q.due, active = user_active_condition(q);
    return "SELECT id FROM (SELECT id FROM " + t + " WHERE status = '" + w + "' AND claim_expires_at < ?1" + active +
           " LIMIT ?2" + lock + ") AS expired UNION ALL SELECT id FROM (SELECT id FROM " + t + " WHERE status = '" + p + "' AND " + d +
           " <= ?1" + active + " ORDER BY " + d + ", id LIMIT ?2" + lock + ") AS due LIMIT ?2";
}

std::vector<int64_t> claimable(Db& db, const QueueSpec& q, int64_t now, int64_t limit) {
    // Inside a write transaction the rows found are locked until its commit (PostgreSQL: skipping
    // those another worker's claim transaction locked); a read outside one locks nothing.
    Statement s(db, claimable_sql(q, db.in_write() ? db.skip_locked_clause() : ""));
    s.bind(1, now);
    s.bind(2, limit);
    std::vector<int64_t> ids;
    while (s.step()) ids.push_back(s.column(0).as_int64());
    return ids;
}

std::string count_waiting_user_inactive_sql(const QueueSpec& q, bool abandoned) {
    // Two counts over the same index ranges as claimable(), so the count stays index-backed.
    std::string t = q.table, w = q.working, p = q.waiting, d = q.due, inactive = row_user_inactive_sql(q.table, q.table);
    std::string sql = "SELECT (SELECT count(*) FROM " + t + " WHERE status = '" + p + "' AND " + d + " <= ?1 AND " + inactive + ")";
    if (abandoned)
        sql += " + (SELECT count(*) FROM " + t + " WHERE status = '" + w + "' AND claim_expires_at < ?1 AND " + inactive + ")";
    return sql;
}

int64_t count_waiting_user_inactive(Db& db, const QueueSpec& q, int64_t now, bool abandoned) {
    return db.scalar(count_waiting_user_inactive_sql(q, abandoned), now);
}

bool claim_row(Db& db, const QueueSpec& q, int64_t id, const std::string& owner, int64_t now, int64_t ttl) {
    std::string t = q.table, w = q.working, p = q.waiting, d = q.due;
    Statement s(db, "UPDATE " + t + " SET status = '" + w + "', claimed_by = ?1, claim_expires_at = ?2 WHERE id = ?3 AND "
                    "((status = '" + p + "' AND " + d + " <= ?4) OR (status = '" + w + "' AND claim_expires_at < ?4))" +
                    user_active_condition(q));
    s.bind(1, owner);
    s.bind(2, now + ttl);
    s.bind(3, id);
    s.bind(4, now);
    return s.exec() == 1;
}

void release_rows(Db& db, const QueueSpec& q, const std::vector<int64_t>& ids, const std::string& owner) {
    std::string t = q.table, w = q.working, p = q.waiting;
    Statement s(db, "UPDATE " + t + " SET status = '" + p + "', claimed_by = NULL, claim_expires_at = NULL "
                    "WHERE id = ? AND claimed_by = ? AND status = '" + w + "'");
    for (int64_t id : ids) {
        s.bind(1, id);
        s.bind(2, owner);
        s.exec();
        s.reset();
    }
}

BatchEnd work_claimed(const std::vector<int64_t>& claimed, const std::function<bool()>& must_stop,
                      const std::function<bool()>& claims_half_used,
                      const std::function<void(const std::vector<int64_t>&)>& release,
                      const std::function<Step(int64_t)>& work) {
    auto rest = [&](size_t from) { return std::vector<int64_t>(claimed.begin() + static_cast<long>(from), claimed.end()); };
    for (size_t i = 0; i < claimed.size(); ++i) {
        if (i > 0 && (must_stop() || claims_half_used())) {
            release(rest(i));
            return must_stop() ? BatchEnd::stopped : BatchEnd::claim_more;  // half used: claim afresh
        }
        Step step;
        try {
            step = work(claimed[i]);
        } catch (...) {
            // An exception (an I/O error or a full disk while recording this row's result): the
            // rows not yet started go back now, so the next run need not wait for their claims to
            // expire. This row keeps its claim: it may have been sent, so it is retried only once
            // the claim expires (the at-least-once window). Best effort: if the database refuses
            // that write too, those claims expire like a killed run's.
            try {
                release(rest(i + 1));
            } catch (...) {
            }
            throw;
        }
        if (step == Step::next) continue;
        release(rest(step == Step::fail_after ? i + 1 : i));
        return BatchEnd::failed;
    }
    return BatchEnd::claim_more;
}

}  // namespace mj
