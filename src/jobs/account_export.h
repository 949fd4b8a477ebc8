// account-export (BJ-17): builds the archive of an account's data that the user asked for, and
// looks after the archives afterwards.
//
// Queue (share/schema.md "exports"): the application inserts a row (status 'requested'); the
// partial unique index exports_one_active (migration 5) allows one requested/running export per
// user. A run, in order:
//  1. sweeps [export] dir: partial archives a killed run left (".partial-*") and archives whose row
//     never became 'ready' (a kill between the rename and the commit). Only this job writes there,
//     and its lease makes it the only run, so nothing swept can be in use.
//  2. expires ready archives past expires_at, or whose link reached [export] max_downloads: the
//     file goes (after the commit), the row becomes 'expired' and keeps token_hash, so the link
//     answers 410, not 404.
//  3. takes requests oldest first, one at a time, through the claim mechanism of every queue
//     (delivery/claim.h): a request of a soft-deleted or inactive user waits (access revocation);
//     a claim whose run died (claim expired) is taken over. Claiming counts an attempt; a request
//     that reached [job.account-export] max_attempts is 'failed' with its last error (the user may
//     ask again). One that comes sooner than min_interval after the user's last ready export is
//     refused ('failed', error says when to ask again). While the ready archives fill
//     [export] max_disk, requests wait (history: waiting_disk_cap).
//  4. builds the archive (jobs/export_archive.h) into ".partial-<uuid>-<pid>.zip" (0600) in the
//     folder (0700); after every batch one short transaction writes exports.progress and renews
//     the claim (a lost claim abandons the archive). Then fsync, rename to "<uuid>-a<attempt>.zip",
//     fsync of the folder, and one transaction: 'ready', the hash of a new random token, size,
//     expires_at, and the one export-ready notice with the link ([export] base_url + token; the
//     token itself is stored nowhere else and never logged). A failure or a stop (budget, signal)
//     deletes the partial file and gives the request back with the error.
// Dry-run makes the same selection and counts (exports_ready, rows_exported, exports_refused,
// exports_failed, exports_expired, export_files_removed, ...) without building or writing.
#pragma once
#include "core/job.h"

namespace mj {
Outcome account_export(JobContext& ctx);
// The file names of the folder: ".partial-*.zip" (an archive being written) and
// "<uuid>-a<attempt>.zip" (a finished one). disk-sweep removes old partials and unnamed archives.
bool is_export_partial_name(const std::string& name);
bool is_export_archive_name(const std::string& name);
}  // namespace mj
