// message-cleanup (seed 002): deletes chat messages whose expires_at has passed (the application
// sets created_at + 2 days). A row expiring exactly now stays until the next run. --older-than D
// deletes only messages expired more than D ago.
//
// Its result is seed 002's function's return value, which `mailjobs run message-cleanup --json`
// prints as it is: {"success": true, "deleted_count": N, "timestamp": "2026-11-23T02:00:00Z"}
// (the job's clock, UTC). A dry run adds "dry_run": true and counts what would go; a failed run
// says "success": false with the rows deleted before the error and "error".
// Idempotent (BJ-27): a second run deletes 0.
#pragma once
#include "core/job.h"

namespace mj {
Outcome message_cleanup(JobContext& ctx);
}  // namespace mj
