// Account exports for `mailjobs status` (text, --json) and the CGI status endpoint: how many wait,
// run, are ready (and their disk use), and the progress of each running one (exports.progress,
// written per batch by account-export). Read-only, no personal data (export ids and uuids only).
#pragma once
#include <nlohmann/json.hpp>

#include "core/db.h"

namespace mj {

// {"requested": n, "running": [{"id", "uuid", "started_at", "attempts", "progress": {...}}],
//  "ready": n, "ready_bytes": n, "failed_24h": n}
nlohmann::json collect_export_status(Db& db, int64_t now);

// Readable lines for `mailjobs status` ("" when no export exists at all).
std::string export_status_text(const nlohmann::json& exports);

}  // namespace mj
