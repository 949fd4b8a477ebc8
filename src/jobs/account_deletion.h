// account-deletion (BJ-18): purges the accounts whose users.deleted_at is older than
// `[job.account-deletion] grace` (3 d; 0 = at the next run). Until then the application can undo by
// clearing deleted_at, and such a user is never touched.
//
// How (share/schema.md "Deleting a user"):
// - The first batch's transaction re-checks deleted_at, creates the account_deletions row
//   (status 'running': from this commit on the deletion is irreversible and resumes until done) and
//   queues the one "your account and data are deleted" notice (user_id NULL, to_address = the
//   user's e-mail, dedupe key per user uuid), before any row holding the address goes.
// - Then every table of the one list (core/user_data.h), children first, in short batches sized by
//   the retention engine's BatchSizer (one ctx.db.write each, bounded by max_transaction):
//   deleted rows go, audit_logs are anonymised (user_id NULL), account_deletions is kept. Each
//   batch writes the cursor (account_deletions.at_table, migration 3) and the per-table counts
//   (account_deletions.counts) in its own transaction, so a run stopped by the budget, a signal or
//   kill -9 continues at that table. Never ON DELETE CASCADE from users: the users row goes last,
//   when nothing references it any more.
// - Waiting queue items (failed_emails, delivery_log, notification_outbox rows held back because
//   the user is inactive) are closed by being deleted with the user's rows; their number is in
//   history as closed_waiting_<table>. Nothing goes through forward-retry, so no "forward failed"
//   notice is ever queued for them.
// - Spool files (the list's spool_path columns) are deleted after their batch committed, only
//   inside spool_dir (jobs/spool_files.h).
// - Tombstones (jobs/alias_tombstones.h): each deleted alias address is kept as an HMAC in
//   alias_tombstones, in the batch that deletes the alias; off when no tombstone_secret_file is set.
// - The last transaction deletes the users row, marks the deletion done (completed_at, run_id)
//   and writes the `account.deleted` audit row (user_id NULL, target user:<uuid>, details: the
//   account_deletions id only).
// Dry-run counts what a run would delete (same names, same numbers) and writes nothing. A rerun
// finds nothing: the users row is gone and the deletion is done.
#pragma once
#include "core/job.h"

namespace mj {
Outcome account_deletion(JobContext& ctx);
}  // namespace mj
