// The notification outbox: every notice to a user or the operator is one row in
// notification_outbox, queued by the job that decides it (forward-retry's final failure,
// overflow-hold warnings, verification reminders, usage warnings, export links, ...) and sent by
// notification-delivery. The dedupe_key makes "exactly one notice" a database constraint: a job
// that runs twice, or a run that repeats after a crash, queues nothing new.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/db.h"

namespace mj {

struct Notice {
    std::optional<int64_t> user_id;  // nullopt: not to a user (operator alerts)
    std::string to_address;
    std::string persona = "porter";  // sender identity; [mail] persona_* keys give name and address
    std::string kind;                // "forward_failed", "overflow_hold_warning", ...
    std::string subject;
    std::string body;                // text/plain
    std::string dedupe_key;          // unique per notice, e.g. "overflow_hold_warning:1234"
    int64_t not_before = 0;          // 0 = now
};

// Inserts the notice inside the caller's write transaction. Returns true if it was new, false if
// a notice with the same dedupe_key already exists (whatever its status).
bool queue_notice(Db& db, const Notice& notice, int64_t now);

}  // namespace mj
