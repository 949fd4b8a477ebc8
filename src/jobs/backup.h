// backup: a verified, compressed copy of the whole database into [backup] dir (core/backup_file.h:
// one read snapshot copied in steps, so the application's writes never wait for it; integrity_check
// on the copy; gzip; read back; renamed into place), then the old backups the keep rule
// (jobs/backup_keep.h) no longer wants are removed. Parts a killed backup left are removed first.
//
// A backup that cannot finish within the run's budget fails with the figures (a partial copy is
// worth nothing, and the next run would stop at the same place): raise [general] time_budget or give
// `mailjobs backup --max-runtime D` a cron line of its own.
// Stopped by a signal or a lost lease it ends "more" and leaves nothing behind.
//
// Result (`run backup --json`, `mailjobs backup`): path, db_bytes, file_bytes, pages, sha256,
// removed (old backups), parts_removed, kept.
#pragma once
#include "core/job.h"

namespace mj {
Outcome backup(JobContext& ctx);
}  // namespace mj
