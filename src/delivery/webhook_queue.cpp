#include "delivery/webhook_queue.h"

#include <algorithm>
#include <limits>

#include "delivery/claim.h"

namespace mj {
namespace {

// delivery_log has two waiting statuses: 'pending' (never tried by a job) and 'failed' (an attempt
// failed, retry at next_retry_at). The claim module (claim.h) knows one waiting status per queue,
// so the queue is described twice; both specs share the working status and the due column.
const QueueSpec kPending{"delivery_log", "pending", "delivering", "next_retry_at"};
const QueueSpec kFailed{"delivery_log", "failed", "delivering", "next_retry_at"};

}  // namespace

std::vector<int64_t> due_deliveries(Db& db, int64_t now, int limit) {
    std::vector<int64_t> ids = claimable(db, kPending, now, limit);
    std::vector<int64_t> failed = claimable(db, kFailed, now, limit);
    ids.insert(ids.end(), failed.begin(), failed.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());  // abandoned claims come back from both
    if (static_cast<int>(ids.size()) > limit) ids.resize(static_cast<size_t>(limit));
    return ids;
}

int64_t count_due_deliveries(Db& db, int64_t now) {
    return static_cast<int64_t>(due_deliveries(db, now, std::numeric_limits<int>::max()).size());
}

int64_t count_waiting_user_inactive_deliveries(Db& db, int64_t now) {
    // The abandoned claims ('delivering', expired) are the same rows for both specs: counted once.
    return count_waiting_user_inactive(db, kPending, now, true) + count_waiting_user_inactive(db, kFailed, now, false);
}

std::optional<WebhookDelivery> claim_delivery(Db& db, int64_t id, const std::string& owner, int64_t now, int64_t claim_until) {
    std::optional<WebhookDelivery> out;
    db.write([&] {
        if (!claim_row(db, kPending, id, owner, now, claim_until - now) &&
            !claim_row(db, kFailed, id, owner, now, claim_until - now))
            return;
        Statement q(db,
                    "SELECT d.uuid, d.webhook_url, d.payload, d.attempts, d.webhook_id, coalesce(w.active, 0), "
                    "coalesce(w.secret, '') FROM delivery_log d LEFT JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?");
        q.bind(1, id);
        if (!q.step()) return;
        WebhookDelivery d;
        d.id = id;
        d.uuid = q.column(0).as_text();
        d.url = q.column(1).as_text();
        d.payload = q.column(2).as_text();
        d.attempts = q.column(3).as_int64();
        if (!q.column(4).is_null()) d.webhook_id = q.column(4).as_int64();
        d.webhook_active = q.column(5).as_int() != 0;
        d.secret = q.column(6).as_text();
        out = std::move(d);
    }, Db::Checks::all, Db::Lock::rows);  // parallel runs claim side by side (core/db.h)
    return out;
}

int64_t defer_deliveries(Db& db, const std::vector<int64_t>& ids, int64_t now, int64_t until) {
    int64_t moved = 0;
    if (ids.empty()) return 0;
    db.write([&] {
        Statement q(db, "UPDATE delivery_log SET next_retry_at = ?1, updated_at = ?2 WHERE id = ?3 "
                        "AND status IN ('pending','failed') AND next_retry_at <= ?2");
        for (int64_t id : ids) {
            q.bind(1, until);
            q.bind(2, now);
            q.bind(3, id);
            moved += q.exec();
            q.reset();
        }
    });
    return moved;
}

bool finish_delivery_in_txn(Db& db, int64_t id, const std::string& owner, const DeliveryUpdate& u) {
    Statement q(db,
                "UPDATE delivery_log SET status = ?1, attempts = ?2, last_status_code = ?3, last_error = ?4, "
                "next_retry_at = ?5, delivered_at = CASE WHEN ?1 = 'delivered' THEN ?6 ELSE delivered_at END, "
                "claimed_by = NULL, claim_expires_at = NULL, updated_at = ?6 WHERE id = ?7 AND claimed_by = ?8");
    q.bind(1, u.status);
    q.bind(2, u.attempts);
    if (u.status_code) q.bind(3, *u.status_code); else q.bind(3);
    if (u.error.empty()) q.bind(4); else q.bind(4, u.error);
    if (u.next_retry_at) q.bind(5, *u.next_retry_at); else q.bind(5);
    q.bind(6, u.now);
    q.bind(7, id);
    q.bind(8, owner);
    return q.exec() == 1;
}

}  // namespace mj
