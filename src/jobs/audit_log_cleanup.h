// audit-log-cleanup (BJ-09): deletes audit_logs rows older than older_than (365 d); rows with
// critical = 1 are kept critical_older_than (7 y; never less than older_than). With archive = true,
// each batch is first appended to the day files of audit_archive.h and made durable, then deleted
// in its own short transaction: the archive IO never happens while the write lock is held.
// With upload_url as well, whole UTC days are archived, uploaded and verified before their rows
// go (jobs/audit_upload.h).
#pragma once
#include "core/job.h"

namespace mj {
Outcome audit_log_cleanup(JobContext& ctx);
}  // namespace mj
