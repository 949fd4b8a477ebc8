// overflow-hold-expiry (BJ-04): held mail is purged older_than (30 d) after held_at; warn_before
// (1 d) earlier the owner gets one warning in the notification outbox, from the dedicated
// "overflow_hold" persona (never Porter), saying when the purge happens.
//
// Rules that make "exactly one warning, never after the purge" hold:
// - The warning and its marker (overflow_hold.warning_queued_at) are written in one transaction,
//   and the notice's dedupe_key is "overflow_hold_warning:<id>": a rerun, an overlapping run or a
//   replay after a crash queues nothing new.
// - A row is purged only when it is past older_than AND its warning was queued at least
//   warn_before ago. A message found already past 30 d without a warning (the job did not run for
//   days) is warned now and purged warn_before later: the user always gets the full notice, and the
//   time written in the warning is the earliest the purge can happen.
#pragma once
#include "core/job.h"

namespace mj {
Outcome overflow_hold_expiry(JobContext& ctx);
}  // namespace mj
