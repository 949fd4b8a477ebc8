// notification-cleanup (seed 004; its acceptance criteria win over its sample code, DESIGN.md).
//
// 1. Cap: for each user with more than max_per_user (1000) live notifications (deleted_at IS NULL),
//    soft-delete (deleted_at = now) every READ notification that is not among the user's newest
//    keep_newest (100) live ones, read or unread, oldest first. Unread ones are never touched. "Newest"
//    is by created_at, ties by id. The newest-N boundary is re-read in every batch transaction.
//    Users are worked one at a time in short batches (a user with 50k notifications is many
//    transactions); an interrupted pass resumes at the user it stopped in (job_state cursor), so the
//    result is the same as one uninterrupted pass.
// 2. Grace: soft-deleted rows (by this job or by the application) are deleted for good
//    hard_delete_after (30 d) after deleted_at. --older-than overrides this grace.
//
// Result (`run notification-cleanup --json`): {"total_notifications", "users_with_notifications"}
// (live rows after the run), "soft_deleted" and "hard_deleted" (this run; would be, in a dry run),
// "users_over_cap". History counts: notifications_soft_deleted, notifications (hard deletes).
// Idempotent (BJ-27): after a run no capped user has a read row outside its newest N, so a second
// run changes nothing.
#pragma once
#include "core/job.h"

namespace mj {
Outcome notification_cleanup(JobContext& ctx);
}  // namespace mj
