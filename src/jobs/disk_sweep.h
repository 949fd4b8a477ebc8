// disk-sweep (issue 17, "The disk"): removes files that no row references and that a kill -9 or a
// crash left behind, once they are [job.disk-sweep] min_age old (mtime, against the job's clock):
//   - spool files: every file below each spool folder (core/disk_files.h) that no spool_path of
//     failed_emails, overflow_hold or spam_quarantine names (the file columns of the one list of
//     a user's data, core/user_data.h);
//   - exports: ".partial-*.zip" and "<uuid>-a<N>.zip" files in [export] dir that no exports.path
//     names (other files there are left alone);
//   - backups: "mailjobs-*.part" files in [backup] dir a backup that never ran again left.
//
// How, and why it is cheap: the folders are listed first and only the old files are kept as
// candidates (thousands at most), sorted; then each file column is read in keyset batches of
// 20000 rows (one short read each, so WAL checkpoints are never held back for long) and every
// value is looked up in the candidates by binary search and crossed out. Memory follows the
// number of files, not the number of rows. Listing before reading means a row written meanwhile
// is seen; a file of min_age is far older than any row the application is about to write for it.
// A run that reaches its budget before the last batch removes nothing (the next run starts over).
//
// The shared-folder rule (core/disk_files.h spool_folder_refusal): a spool folder that is, or
// holds, the database's folder, jobs.ini's, the log's, $HOME or another kind's folder is never
// swept; the run fails naming it, and nothing anywhere is removed.
//
// Counts (history): files_swept, bytes_swept, and per kind spool_files_swept, export_files_swept,
// backup_parts_swept; examined = old unreferenced files found. Dry-run lists them in the result
// ("would_remove": kind, path, bytes) and removes nothing.
#pragma once
#include "core/job.h"

namespace mj {
Outcome disk_sweep(JobContext& ctx);
}  // namespace mj
