// The webhook delivery queue in delivery_log (share/schema.md "delivery_log", "Queues and claim
// leases"): which rows are due, claiming one, and writing its result. Each function is one short
// write transaction or a read; the HTTP POST happens between claim and finish, outside any
// transaction.
//
// Due: status 'pending' or 'failed' with next_retry_at <= now, or 'delivering' whose claim expired
// (its claimer crashed, or the application's own first attempt was abandoned). Claims go through
// the one claim mechanism of claim.h.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db.h"

namespace mj {

struct WebhookDelivery {
    int64_t id = 0;
    std::string uuid;                   // X-Mailjobs-Delivery
    std::string url;                    // delivery_log.webhook_url (what the event was queued for)
    std::string payload;
    int64_t attempts = 0;               // made so far, by anyone
    std::optional<int64_t> webhook_id;  // nullopt: the webhook was deleted
    bool webhook_active = false;
    std::string secret;
};

// Up to `limit` due ids, oldest first.
std::vector<int64_t> due_deliveries(Db& db, int64_t now, int limit);
int64_t count_due_deliveries(Db& db, int64_t now);
// Due rows that wait because their user is soft-deleted or not active (claim.h): never returned
// by due_deliveries, never claimed, until the account is active again.
int64_t count_waiting_user_inactive_deliveries(Db& db, int64_t now);

// Claims row `id` for `owner` until `claim_until` in one short transaction, if it is still due;
// returns the row with its webhook's secret, or nullopt if someone else has it or it is no longer
// due. Overlapping runs therefore never work on the same row.
std::optional<WebhookDelivery> claim_delivery(Db& db, int64_t id, const std::string& owner, int64_t now, int64_t claim_until);

// One short transaction: moves the due time of rows that are still waiting (pending/failed, due,
// not claimed) to `until`, without an attempt; returns how many moved. For the rows of a receiver
// that did not answer earlier in the same run.
int64_t defer_deliveries(Db& db, const std::vector<int64_t>& ids, int64_t now, int64_t until);

struct DeliveryUpdate {
    std::string status;                 // delivered | failed | permanently_failed
    int64_t attempts = 0;
    std::optional<int64_t> status_code;
    std::string error;
    std::optional<int64_t> next_retry_at;  // for 'failed'
    int64_t now = 0;
};

// Inside the caller's write transaction: writes the result and clears the claim, only while
// `owner` still holds it. Returns false if the claim was lost (expired and taken over, or the row
// was deleted); the row is then left to whoever has it.
bool finish_delivery_in_txn(Db& db, int64_t id, const std::string& owner, const DeliveryUpdate& update);

}  // namespace mj
