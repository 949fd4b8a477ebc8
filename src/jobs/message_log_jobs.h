// Message metadata retention: message logs (BJ-07) and their header snapshots (BJ-08).
//
// One design for "no orphans": message-log-cleanup deletes a log row's header_snapshots in the
// same batch transaction as the log row itself (a retention Dependent), so its purge never leaves
// an orphan; header-snapshot-cleanup purges snapshots by their own age (which may be shorter) and
// sweeps orphans that other writers left (the application deleting log rows), so after it runs no
// snapshot points at a missing message log.
#pragma once
#include "core/job.h"

namespace mj {
Outcome message_log_cleanup(JobContext& ctx);      // BJ-07: fold into message_stats_daily, then delete
Outcome header_snapshot_cleanup(JobContext& ctx);  // BJ-08: by age, then orphans
}  // namespace mj
