// audit-log-cleanup (BJ-09). See audit_log_cleanup.h and audit_archive.h.
#include "jobs/audit_log_cleanup.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <unistd.h>

#include "core/files.h"
#include "delivery/upload.h"
#include "jobs/audit_archive.h"
#include "jobs/audit_upload.h"
#include "jobs/disk_cap.h"
#include "retention/sql_text.h"
#include "retention/engine.h"
#include "retention/purge_connection.h"

namespace mj {
namespace {

// Archive, then delete, one batch at a time. The rows are read without a transaction, written and
// fsynced, and only then deleted through the engine (restricted to exactly those ids), so the write
// lock is never held during file IO and a row is deleted only once it is durable in the archive.
bool archive_then_purge(JobContext& ctx, const Policy& p, AuditArchive& archive) {
    const int64_t batch = std::max<int64_t>(1, ctx.cfg_int("batch_size"));
    Statement q(ctx.db,
                std::string("SELECT ") + kAuditArchiveColumns + " FROM audit_logs "
                "WHERE created_at < ?1 AND (" + p.filter + ") ORDER BY created_at LIMIT ?2");
    ctx.counts.note_cutoff(p.table + "." + p.time_column, p.cutoff);  // the real one, before the per-batch ones
    int64_t archived = 0;
    while (true) {
        std::vector<ArchiveLine> lines;
        std::vector<int64_t> ids;
        int64_t newest = 0;
        q.reset();
        q.bind(1, p.cutoff);
        q.bind(2, batch);
        while (q.step()) {
            ids.push_back(q.column(0).as_int64());
            newest = q.column(8).as_int64();
            lines.push_back({newest, audit_archive_line(q)});
        }
        q.reset();  // end the read
        if (ids.empty()) break;
        archive.append(lines);
        archived += static_cast<int64_t>(ids.size());
        std::sort(ids.begin(), ids.end());
        Policy these = p;
        // The cutoff just past the batch's newest row keeps the engine's index walk on this batch's
        // time range (SQLite prefers the (critical, created_at) index to the rowid list).
        these.cutoff = std::min(p.cutoff, newest + 1);
        these.filter = p.filter + " AND id IN (" + rowid_list(ids) + ")";
        purge(ctx, these);
        if (static_cast<int64_t>(ids.size()) < batch) break;
        if (ctx.should_stop()) {
            ctx.counts.add("audit_archive_rows", archived);
            return false;
        }
    }
    ctx.counts.add("audit_archive_rows", archived);
    ctx.info("archived", {{"rows", archived}, {"dir", archive.dir()}, {"filter", p.filter}});
    return true;
}

// archive_max_disk (issue 17): the day files, oldest first (their names sort by day), trimmed to
// the cap. Never the newest day file (the one runs append to); with an upload target never one
// whose upload is not recorded in archive_uploads at its present size: that file is the only copy.
void trim_archive(JobContext& ctx, const std::string& dir, bool uploading) {
    const int64_t cap = ctx.config.bytes(ctx.section(), "archive_max_disk");
    if (cap <= 0) return;
    std::vector<std::string> names;
    for (const auto& n : list_files(dir))
        if (n.rfind("audit-", 0) == 0 && n.size() > 9 && n.compare(n.size() - 9, 9, ".jsonl.gz") == 0) names.push_back(n);
    std::sort(names.begin(), names.end());
    std::vector<CappedFile> files;
    Statement up(ctx.db, "SELECT size FROM archive_uploads WHERE job = ?1 AND file = ?2");
    for (const auto& n : names) {
        const int64_t bytes = std::max<int64_t>(0, file_size(dir + "/" + n));
        bool removable = true;
        if (uploading) {
            up.reset();
            up.bind(1, ctx.job);
            up.bind(2, n);
            removable = up.step() && up.column(0).as_int64() == bytes;
        }
        files.push_back({n, bytes, removable});
    }
    up.reset();
    int64_t removed = 0, bytes = 0;
    for (const auto& n : over_cap(files, cap)) {
        const int64_t b = std::max<int64_t>(0, file_size(dir + "/" + n));
        if (ctx.dry_run || ::unlink((dir + "/" + n).c_str()) == 0) ++removed, bytes += b;
    }
    if (removed && !ctx.dry_run) fsync_dir(dir);
    if (removed) ctx.info("archive_over_cap", {{"files", removed}, {"bytes", bytes}, {"archive_max_disk", cap}, {"dry_run", ctx.dry_run}});
    ctx.counts.add("archive_files_over_cap", removed);
    ctx.counts.add("archive_bytes_over_cap", bytes);
}

Outcome run_passes(JobContext& ctx, const Policy (&passes)[2], std::optional<AuditArchive>& archive,
                   const std::optional<UploadTarget>& target) {
    // One purge connection for the whole run (purge_connection.h): the engine's batches share it,
    // and the archive's own small commits between them (the upload cursor, archive_uploads) never
    // run SQLite's automatic checkpoint inside their COMMIT while holding the lock (measured 41 ms
    // with upload, 26 ms without, before).
    std::optional<PurgeConnection> connection;
    if (archive) connection.emplace(ctx.db);
    if (target && archive) return outcome_of(upload_then_purge(ctx, passes, *archive, *target));
    if (archive) forget_pending_upload(ctx);
    for (size_t i = 0; i < 2; ++i) {
        bool finished = archive ? archive_then_purge(ctx, passes[i], *archive) : purge(ctx, passes[i]).finished;
        if (!finished) return Outcome::more;
        if (i == 0 && ctx.should_stop()) return Outcome::more;
    }
    return Outcome::done;
}

}  // namespace

Outcome audit_log_cleanup(JobContext& ctx) {
    const int64_t normal_age = ctx.older_than();
    // --older-than moves the ordinary retention only; critical events never go sooner than others.
    const int64_t critical_age = std::max(ctx.cfg_duration("critical_older_than"), normal_age);
    const bool archiving = ctx.cfg_bool("archive");
    std::optional<UploadTarget> target = upload_target_from_config(ctx.config, ctx.section());
    if (target && !archiving)
        throw std::runtime_error("[" + ctx.section() + "] upload_url is set but archive = false: set archive = true to upload the archive");
    std::optional<AuditArchive> archive;
    if (archiving && !ctx.dry_run) archive.emplace(ctx.config.path(ctx.section(), "archive_dir"));

    Policy passes[2];
    const std::pair<const char*, int64_t> ages[] = {{"critical = 0", normal_age}, {"critical = 1", critical_age}};
    for (size_t i = 0; i < 2; ++i) {
        passes[i].name = "audit_logs";
        passes[i].table = "audit_logs";
        passes[i].time_column = "created_at";
        passes[i].cutoff = ctx.now - ages[i].second;
        passes[i].filter = ages[i].first;
        // With an upload target only whole days go (audit_upload.h); dry-run selects the same rows.
        if (target && ctx.dry_run) passes[i].cutoff = whole_days_before(passes[i].cutoff);
    }
    const Outcome out = run_passes(ctx, passes, archive, target);
    // After this run's appends (and uploads), so the cap sees the archive as it now is.
    if (archiving) trim_archive(ctx, ctx.config.path(ctx.section(), "archive_dir"), target.has_value());
    return out;
}

}  // namespace mj
