// What runs now and how each job is doing: the data behind `mailjobs status` (text, --json) and
// the CGI status endpoint. Reads only job_state, job_locks and the newest job_runs rows.
#pragma once
#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/db.h"

namespace mj {

// {"now":..., "jobs":[{name, enabled, schedule, running, owner, heartbeat_age_s, last_outcome,
//   last_run_id, last_started_at, last_finished_at, last_duration_ms, consecutive_failures,
//   next_due_at}], "queues": {...}, "alerts": [...], "exports": {...} (core/export_status.h),
//   "disk": {database, wal, spool, exports, archives, backups} bytes (core/disk_files.h)}
nlohmann::json collect_status(Db& db, const Config& config, int64_t now);

}  // namespace mj
