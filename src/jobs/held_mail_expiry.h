// Expiry of held mail with no warning: failed forwards (BJ-06) and spam quarantine (BJ-05).
//
// failed-email-expiry: rows 7 d (older_than) after first_failed_at, only in a final state
// (`delivered`, or `failed` = permanent failure or attempts exhausted). A `pending` row (a retry is
// scheduled) or a `sending` row (claimed by forward-retry) is never touched, however old; and the
// job declares a conflict with forward-retry, so it is skipped (not failed) while that job runs.
// spam-quarantine-expiry: rows 30 d after quarantined_at; the user was told at quarantine time.
//
// Both delete a row's spool file after the commit that deleted the row (jobs/spool_files.h).
// Idempotent (BJ-27): a second run selects nothing.
#pragma once
#include "core/job.h"

namespace mj {
Outcome failed_email_expiry(JobContext& ctx);
Outcome spam_quarantine_expiry(JobContext& ctx);
}  // namespace mj
