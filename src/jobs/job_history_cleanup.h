// job-history-cleanup: mailjobs' own bookkeeping older than older_than (90 d):
//   job_runs (started_at)          the newest run of each job always stays (status, `list`, alerts)
//   job_attempts (created_at)      delivery attempts; they outlive their item by design
//   operator_alerts (created_at)   the newest alert of each job stays
//   send_quota (window_start)      hourly send counters; only the current hour matters
//   dns_checks (checked_at)        the newest check of each domain stays
// job_locks and job_state are never purged (they are one row per job). Idempotent (BJ-27).
#pragma once
#include "core/job.h"

namespace mj {
Outcome job_history_cleanup(JobContext& ctx);
}  // namespace mj
