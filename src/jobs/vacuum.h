// vacuum: hands the free pages that purges leave inside the database file back to the file system
// (and so to the account's disk quota), in bounded steps: each step is one short write transaction
// running PRAGMA incremental_vacuum(N), N = pages_per_step, fewer when a step holds the lock longer
// than ~20 ms (the same adaptive sizer as purges). It stops when freelist_count is 0 or the time
// budget is spent (the next run continues). A full VACUUM is never run: it rewrites the whole file
// under an exclusive lock and needs twice the disk space.
//
// Needs auto_vacuum = INCREMENTAL, which mailjobs sets before creating the first table; a file made
// otherwise is reported (result "auto_vacuum") and left alone. In WAL mode the file shrinks when a
// checkpoint copies the last commit back; the job ends with a PASSIVE checkpoint, which never waits
// for the application.
//
// Result (`run vacuum --json`, `mailjobs vacuum`): page_size, free_pages_before/after, pages_freed,
// bytes_freed, file_bytes_before/after, wal_bytes, steps, auto_vacuum. Idempotent: with no free
// pages it changes nothing.
#pragma once
#include "core/job.h"

namespace mj {
Outcome vacuum(JobContext& ctx);
}  // namespace mj
