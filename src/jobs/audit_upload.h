// audit-log-cleanup with an upload target (issue 15, BJ-09 "archive to external storage").
//
// Without a target, rows are appended to the local day files batch by batch and each batch is
// deleted once fsynced (audit_log_cleanup.h). With [job.audit-log-cleanup] upload_url, a row may
// go only once its day file is on the server, verified, so the job works one whole UTC day at a
// time, oldest first:
//   1. append: the day's rows of the pass (critical = 0, later critical = 1), in batches ordered
//      by (created_at, id), each appended and fsynced; after each batch the job's cursor records the
//      file's size and the last row (one short write transaction). Nothing is deleted yet.
//   2. upload: the complete file, PUT and verified (delivery/upload.h). A failure (403, 507, a
//      dropped connection, a size mismatch) fails the run with one line and keeps every row; the
//      cursor stays, so the next run uploads again. A verified upload is recorded in
//      archive_uploads (migration 6) in the same transaction that moves the cursor on.
//   3. purge: the rows appended in step 1 (the day, the pass, up to the recorded last row) are
//      deleted through the retention engine; then the cursor is cleared.
// Only days wholly older than the pass's cutoff are taken: the rows of the day the cutoff falls in
// wait for the next day's run (at most one day longer than older_than). Dry-run counts exactly
// those rows.
//
// Why the cursor (job_state) and not a marker file: the state must change in the same transaction
// as archive_uploads, and the database is where the operator and `mailjobs status` already look.
// Why archive_uploads as a table: a file verified on the server is never uploaded again (a rerun
// after interrupted deletes skips the PUT), and the operator can list what is where; the backups
// can record their uploads in it too.
//
// Interrupted anywhere (budget, signal, kill -9), the next run resumes the pending day: bytes past
// the recorded size (a batch appended but not recorded, a torn gzip member) are cut off first. They
// hold only rows still in the table, so no row is ever lost or written twice in upload mode.
#pragma once
#include "core/job.h"
#include "delivery/upload.h"
#include "jobs/audit_archive.h"
#include "retention/engine.h"

namespace mj {

// The start of the UTC day `cutoff` falls in: rows before it belong to whole days past the cutoff.
inline int64_t whole_days_before(int64_t cutoff) { return cutoff <= 0 ? 0 : cutoff / 86400 * 86400; }

// Runs both passes (passes[0]: critical = 0, passes[1]: critical = 1, each with its cutoff) in upload
// mode, a pending day of an earlier run first. False when stopped between batches (budget, signal).
// Throws std::runtime_error with one line when an upload fails (rows kept).
bool upload_then_purge(JobContext& ctx, const Policy (&passes)[2], AuditArchive& archive, const UploadTarget& target);

// Without a target: forgets a day an upload-mode run left pending (upload_url was removed). Its rows
// are still in the table and are archived again by the local archive (readers dedupe by id).
void forget_pending_upload(JobContext& ctx);

}  // namespace mj
