#include "jobs/backup.h"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "core/backup_file.h"
#include "core/files.h"
#include "delivery/upload.h"
#include "jobs/backup_keep.h"
#include "jobs/disk_cap.h"

namespace mj {
namespace {

std::vector<BackupEntry> existing_backups(const std::string& dir) {
    std::vector<BackupEntry> out;
    for (const auto& name : list_files(dir))
        if (auto at = backup_time(name)) out.push_back({name, *at});
    return out;
}

// [backup] max_disk: the backups left after the keep rule, oldest first, trimmed to the cap
// (jobs/disk_cap.h: never the newest). `extra` is a backup about to exist (dry-run).
std::vector<std::string> beyond_cap(const std::string& dir, std::vector<BackupEntry> left, int64_t cap, int64_t extra_bytes) {
    std::sort(left.begin(), left.end(), [](const BackupEntry& a, const BackupEntry& b) { return a.at != b.at ? a.at < b.at : a.name < b.name; });
    std::vector<CappedFile> files;
    for (const auto& b : left) files.push_back({b.name, std::max<int64_t>(0, file_size(dir + "/" + b.name)), true});
    if (extra_bytes >= 0 && !files.empty()) files.back().bytes = extra_bytes;
    return over_cap(files, cap);
}

std::vector<BackupEntry> without(std::vector<BackupEntry> all, const std::vector<BackupEntry>& gone) {
    all.erase(std::remove_if(all.begin(), all.end(), [&](const BackupEntry& b) {
        return std::any_of(gone.begin(), gone.end(), [&](const BackupEntry& g) { return g.name == b.name; });
    }), all.end());
    return all;
}

}  // namespace

Outcome backup(JobContext& ctx) {
    const std::string dir = ctx.config.path("backup", "dir");
    const int64_t keep_daily = ctx.config.integer("backup", "keep_daily"), keep_weekly = ctx.config.integer("backup", "keep_weekly");
    const int64_t max_disk = ctx.config.bytes("backup", "max_disk");
    if (!ctx.db.is_file()) {
        ctx.note = "the database is a PostgreSQL server: back it up with pg_dump or pg_basebackup (README \"Beyond one host\")";
        ctx.info("backup_not_applicable", {{"reason", "database server"}});
        return Outcome::done;
    }
    std::vector<BackupEntry> backups = existing_backups(dir);
    ctx.result = {{"dir", dir}};
    if (ctx.dry_run) {
        // What a run would write (about the file's size) and remove (with the new one counted).
        backups.push_back({backup_name(ctx.now), ctx.now});
        const auto gone = backups_to_remove(backups, keep_daily, keep_weekly);
        // The new one's size estimated as the newest backup's, else the database's.
        int64_t estimate = file_size(ctx.db.path()), newest = -1;
        for (const auto& b : backups)
            if (b.name != backup_name(ctx.now) && b.at > newest) newest = b.at, estimate = std::max<int64_t>(0, file_size(dir + "/" + b.name));
        const auto capped = beyond_cap(dir, without(backups, gone), max_disk, estimate);
        const int64_t n = static_cast<int64_t>(gone.size() + capped.size());
        ctx.result["db_bytes"] = file_size(ctx.db.path());
        ctx.result["would_remove"] = n;
        ctx.counts.examined = 1 + n;
        ctx.counts.add("backups_written", 1);
        ctx.counts.add("backups_removed", n);
        ctx.counts.add("backups_over_cap", static_cast<int64_t>(capped.size()));
        ctx.result["dry_run"] = true;
        return Outcome::done;
    }
    make_private_dirs(dir, "[backup] dir");
    const int parts = remove_backup_parts(dir);
    if (parts) ctx.info("backup_parts_removed", {{"files", parts}});
    ctx.counts.add("parts_removed", parts);
    ctx.result["parts_removed"] = parts;

    BackupSteps steps;
    steps.pages_per_step = ctx.config.integer("backup", "pages_per_step");
    steps.compress_level = static_cast<int>(ctx.config.integer("backup", "compress_level"));
    steps.keep_going = [&] { return !ctx.should_stop(); };
    std::optional<BackupFile> b = write_backup(ctx.db, dir, ctx.now, steps);
    if (!b) {
        if (ctx.stop_reason() == "budget reached")
            throw std::runtime_error("the backup of " + std::to_string(file_size(ctx.db.path()) >> 20) +
                                     " MiB did not finish within the run's budget (nothing kept): raise [general] time_budget, or give "
                                     "`mailjobs backup --max-runtime 30m` a cron line of its own");
        return Outcome::more;  // a signal or a lost lease: nothing left behind, the next run starts again
    }
    ctx.result["path"] = b->path;
    ctx.result["db_bytes"] = b->db_bytes;
    ctx.result["file_bytes"] = b->file_bytes;
    ctx.result["pages"] = b->pages;
    ctx.result["sha256"] = b->sha256;
    ctx.counts.add("backups_written", 1);
    ctx.counts.add("backup_bytes", b->file_bytes);
    ctx.counts.changed += 1;
    ctx.info("backup_written", {{"path", b->path}, {"db_bytes", b->db_bytes}, {"file_bytes", b->file_bytes}});

    // Only after the new backup is in place, so a failed backup never thins out the old ones.
    const auto gone = backups_to_remove(existing_backups(dir), keep_daily, keep_weekly);
    int64_t removed = 0;
    for (const auto& g : gone)
        if (::unlink((dir + "/" + g.name).c_str()) == 0) ++removed;
    // Then the cap, oldest first, never the new one.
    int64_t over = 0;
    for (const auto& name : beyond_cap(dir, existing_backups(dir), max_disk, -1))
        if (::unlink((dir + "/" + name).c_str()) == 0) ++removed, ++over;
    if (removed) fsync_dir(dir);
    if (max_disk > 0 && b->file_bytes > max_disk)
        ctx.warn("backup_over_max_disk", {{"file_bytes", b->file_bytes}, {"max_disk", max_disk},
                                          {"effect", "the newest backup alone passes [backup] max_disk; it is kept, every older one removed"}});
    ctx.counts.add("backups_over_cap", over);
    ctx.counts.add("backups_removed", removed);
    ctx.result["removed"] = removed;
    ctx.result["kept"] = static_cast<int64_t>(existing_backups(dir).size());

    // Off-site copy: the new backup, verified by size (delivery/upload.h), recorded in
    // archive_uploads. A failed upload fails the run; the local backup stays.
    if (auto target = upload_target_from_config(ctx.config, "backup")) {
        const std::string name = b->path.substr(b->path.rfind('/') + 1);
        target->timeout_ms = std::min<int64_t>(target->timeout_ms, std::max<int64_t>(1000, ctx.remaining_ms()));
        UploadResult up = upload_file(*target, b->path, name);
        if (!up.ok) throw std::runtime_error("backup " + b->path + " written, but its upload failed: " + up.error);
        ctx.db.write([&] {
            Statement rec = ctx.db.query("INSERT INTO archive_uploads(job, file, remote_url, size, uploaded_at, run_id) "
                                         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(job, file) DO UPDATE SET "
                                         "remote_url = excluded.remote_url, size = excluded.size, "
                                         "uploaded_at = excluded.uploaded_at, run_id = excluded.run_id",
                                         ctx.job, name, up.remote_url, up.bytes, ctx.now, ctx.run_id);
            rec.step();
        });
        ctx.counts.add("backups_uploaded", 1);
        ctx.result["uploaded"] = up.remote_url;
        ctx.info("backup_uploaded", {{"url", up.remote_url}, {"bytes", up.bytes}, {"ms", up.duration_ms}});
    }
    return Outcome::done;
}

}  // namespace mj
