// Queue depths and recent operator alerts for `mailjobs status` (text, --json, --prom) and the
// CGI status endpoint. Read-only; every count walks one (status, due) index range (plus a users
// primary-key lookup per due row), so the cost grows with the rows waiting, not with the table.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/db.h"

namespace mj {

// {"failed_emails": {...}, "delivery_log": {...}, "notification_outbox": {...}}, each
// {"pending": rows waiting or being worked on, "due": of those, due at `now` and whose user is
//  active, "waiting_user_inactive": due at `now` but held back because their user is soft-deleted
//  or not active (core/user_data.h; no job takes them until the account is active again),
//  "oldest_pending_age_s": now - oldest waiting row's time (first_failed_at / created_at), or null}.
nlohmann::json collect_queue_depths(Db& db, int64_t now);
// The statements it runs, per queue (?1 = now): for the unit test of their plans.
std::vector<std::pair<std::string, std::string>> queue_depth_sql();  // (table, SQL)

// The newest `limit` operator_alerts rows, newest first.
nlohmann::json recent_operator_alerts(Db& db, int limit);

// Readable lines for `mailjobs status`: "queue  pending  due  waiting (user inactive)  oldest" per queue.
std::string queue_depths_text(const nlohmann::json& queues);

// Adds "queues" and "alerts" to a collect_status() object.
void add_monitoring_status(Db& db, int64_t now, nlohmann::json& status);

}  // namespace mj
