// job_attempts: one row per delivery attempt of webhook-retry, forward-retry and
// notification-delivery (share/schema.md "job_attempts"). The senders record an attempt in the
// same short transaction that writes the item's new state, so the two never disagree.
// `mailjobs history --attempts` reads them back.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/db.h"

namespace mj {

struct Attempt {
    int64_t run_id = 0;
    std::string job;                    // "webhook-retry", ...
    std::string item_table;             // "delivery_log", "failed_emails", "notification_outbox"
    int64_t item_id = 0;
    int64_t attempt = 0;                // 1-based, as counted by the item's attempts column
    std::optional<int64_t> status_code; // HTTP status or SMTP reply code; nullopt = no answer
    std::string error;                  // "" = succeeded
    int64_t duration_ms = 0;
    std::optional<int64_t> next_retry_at;  // set iff a further attempt is scheduled
    int64_t created_at = 0;
};

// Inserts one row inside the caller's write transaction (will_retry = next_retry_at set).
void record_attempt_in_txn(Db& db, const Attempt& attempt);

// Newest attempts first, as JSON objects; `job` "" = every job, `run_id` 0 = every run.
nlohmann::json recent_attempts(Db& db, const std::string& job, int64_t run_id, int limit);

}  // namespace mj
