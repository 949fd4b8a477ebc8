// Expiry of addresses and their tokens: aliases past expires_at (BJ-12) and destination
// verification tokens, optionally unverified destinations (BJ-14). Both change rows rather than
// purge them, so a second run selects nothing: idempotent (BJ-27).
#pragma once
#include "core/job.h"

namespace mj {
// Deactivates aliases with active = 1 AND expires_at < now: active = 0, deactivated_at = now,
// deactivated_by = 'job:alias-expiry', and one audit_logs row ('alias.expired') per alias, in the
// same batch transaction. --older-than D: only aliases that expired more than D ago.
Outcome alias_expiry(JobContext& ctx);

// Clears verification tokens past verification_expires_at (hash and expiry set to NULL). With
// remove_unverified = true, destinations still unverified unverified_grace after created_at are
// deleted, but only once a removal notice was queued at least notice_before earlier (the notice is
// queued notice_before ahead, once per destination: dedupe_key destination_removal_notice:<id>).
Outcome destination_verification_expiry(JobContext& ctx);
}  // namespace mj
