// delivery-log-cleanup (seed 000, BJ-16): webhook delivery records older than older_than (90 d;
// BJ-16's 30 d is one config line), in batches (batch_size, 1000 to start).
//
// Decision: only rows in a final state go (`delivered`, `permanently_failed`). `pending`,
// `delivering` (claimed) and `failed` (an attempt failed, the next one is scheduled) are still in
// webhook-retry's hands however old they are; they go once webhook-retry has finished with them.
// Idempotent (BJ-27): a second run selects nothing.
#pragma once
#include "core/job.h"

namespace mj {
Outcome delivery_log_cleanup(JobContext& ctx);
}  // namespace mj
