// usage-threshold-check (BJ-11): for every active user with a quota, usage in the current billing
// cycle (core/billing_cycle.h) against the thresholds, and a pace warning.
//
// Usage = the user's daily rollups of the cycle's days before bandwidth-rollup's complete_before
// (job_state cursor) + raw bandwidth_usage rows from then until now: the dashboard query of
// share/schema.md, so the job and the dashboard say the same number.
//
// Rules (README "usage-threshold-check" has examples):
// - A threshold t (percent) is crossed when used * 100 >= t * quota_bytes (zero usage never).
// - Each crossing is recorded once per (user, cycle, quota, threshold): a
//   usage_threshold_events row, INSERT ... ON CONFLICT DO NOTHING on that UNIQUE key. A new cycle
//   re-arms every threshold; so does a quota change within a cycle (the thresholds are measured
//   against the new quota and recorded again once each; the rows of the old quota stay).
// - Pace: from pace_after % of the cycle on, while used < quota, when used / elapsed fraction
//   projects past the quota; recorded once per (user, cycle, quota) as kind 'pace'.
// - One run records every new crossing of a user and, in the same transaction, adds ONE in-app
//   notification and at most ONE e-mail notice naming the highest new threshold (mentioning a new
//   pace warning); the mail goes only when one of the new thresholds is in mail_thresholds, or
//   a pace warning is new (with pace_mail). Dedupe keys usage_threshold:<user>:<cycle>:<quota>:<t>
//   and usage_pace:<user>:<cycle>:<quota>.
// - Deleted and suspended users (core/user_data.h kUserInactiveSql) are skipped: nothing recorded.
// Users are read in batches of batch_size by id, outside any transaction; a write transaction is
// opened only for a batch with something new. A pass stopped by the budget resumes at the next
// user (cursor "after_user"). Dry-run counts what would be recorded and mailed, writes nothing.
#pragma once
#include "core/job.h"

namespace mj {
Outcome usage_threshold_check(JobContext& ctx);
}  // namespace mj
