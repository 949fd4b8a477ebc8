// audit-log-cleanup's upload mode. See audit_upload.h.
#include "jobs/audit_upload.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace mj {
namespace {

constexpr int64_t kDay = 86400;
constexpr const char* kCursorKey = "upload_day";

// The day being worked on, kept in job_state.cursor["upload_day"] between batches and runs.
struct PendingDay {
    std::string file;      // day file name in the archive folder
    int64_t day = 0;       // its UTC midnight
    int critical = 0;      // the pass: 0 or 1
    int64_t base = 0;      // the file's size before this day's rows of this pass were appended
    int64_t size = 0;      // its size with every row through (last_at, last_id) appended, fsynced
    int64_t last_at = 0;   // the last row appended (keyset created_at, id)
    int64_t last_id = 0;
    std::string phase;     // append | upload | purge
};

std::optional<PendingDay> load(JobContext& ctx) {
    auto c = ctx.cursor();
    auto it = c.find(kCursorKey);
    if (it == c.end() || !it->is_object()) return std::nullopt;
    const auto& j = *it;
    PendingDay d;
    d.file = j.value("file", "");
    d.day = j.value("day", int64_t{0});
    d.critical = j.value("critical", 0);
    d.base = j.value("base", int64_t{0});
    d.size = j.value("size", int64_t{0});
    d.last_at = j.value("last_at", int64_t{0});
    d.last_id = j.value("last_id", int64_t{0});
    d.phase = j.value("phase", "");
    if (d.file.empty() || (d.critical != 0 && d.critical != 1) ||
        (d.phase != "append" && d.phase != "upload" && d.phase != "purge"))
        throw std::runtime_error("audit-log-cleanup: job_state cursor upload_day is not valid: " + j.dump());
    return d;
}

// Writes (or with nullptr clears) the pending day; inside the caller's transaction.
void store_in_txn(JobContext& ctx, const PendingDay* d) {
    auto c = ctx.cursor();
    if (d) {
        c[kCursorKey] = {{"file", d->file}, {"day", d->day}, {"critical", d->critical}, {"base", d->base},
                         {"size", d->size}, {"last_at", d->last_at}, {"last_id", d->last_id}, {"phase", d->phase}};
    } else {
        c.erase(kCursorKey);
    }
    ctx.cursor_set_in_txn(c);
}

void store(JobContext& ctx, const PendingDay* d) {
    ctx.db.write([&] { store_in_txn(ctx, d); });
}

// Step 1: the day's rows of the pass after the recorded last row, batch by batch. False if stopped.
bool append_day(JobContext& ctx, PendingDay& d, AuditArchive& archive) {
    const int64_t batch = std::max<int64_t>(1, std::min<int64_t>(ctx.cfg_int("batch_size"), 50000));
    archive.cut(d.file, d.size);  // anything past the recorded size holds rows still in the table
    // The (critical, created_at) index ends in the rowid (= id), so this walks it in order, no sort.
    Statement q(ctx.db, std::string("SELECT ") + kAuditArchiveColumns +
                            " FROM audit_logs WHERE critical = ?1 AND created_at >= ?2 AND created_at < ?3"
                            " AND (created_at, id) > (?4, ?5) ORDER BY created_at, id LIMIT ?6");
    int64_t appended = 0;
    while (true) {
        q.reset();
        q.bind_all(d.critical, d.day, d.day + kDay, d.last_at, d.last_id, batch);
        std::vector<ArchiveLine> lines;
        int64_t last_at = d.last_at, last_id = d.last_id;
        while (q.step()) {
            last_id = q.column(0).as_int64();
            last_at = q.column(8).as_int64();
            lines.push_back({last_at, audit_archive_line(q)});
        }
        q.reset();  // end the read
        bool complete = static_cast<int64_t>(lines.size()) < batch;
        if (!lines.empty()) {
            archive.append(lines);  // fsynced when it returns
            d.size = archive.prepared_size(d.file);
            d.last_at = last_at;
            d.last_id = last_id;
            appended += static_cast<int64_t>(lines.size());
        }
        if (complete) d.phase = "upload";
        store(ctx, &d);
        if (complete) break;
        if (ctx.should_stop()) {
            ctx.counts.add("audit_archive_rows", appended);
            return false;
        }
    }
    ctx.counts.add("audit_archive_rows", appended);
    return true;
}

// Step 2: the complete file to the server, verified; recorded with the cursor's move on. Throws
// when the upload fails (the cursor stays at "upload": the next run tries again).
void upload_day(JobContext& ctx, PendingDay& d, AuditArchive& archive, const UploadTarget& target) {
    archive.cut(d.file, d.size);
    Statement done(ctx.db, "SELECT size FROM archive_uploads WHERE job = ?1 AND file = ?2");
    done.bind_all(ctx.job, d.file);
    bool already = done.step() && done.column(0).as_int64() == d.size;
    done.reset();
    if (already) {
        // Verified by an earlier run that stopped before the cursor moved on (or the same bytes
        // were uploaded before): not uploaded twice.
        ctx.info("upload_skipped", {{"file", d.file}, {"bytes", d.size}, {"reason", "already uploaded and verified"}});
    } else {
        // Within the run's budget: a request never outlasts it (nor, so, the lease; no heartbeat runs
        // during a request). One cut short fails like any other and the next run tries again.
        UploadTarget bounded = target;
        bounded.timeout_ms = std::max<int64_t>(1000, std::min(target.timeout_ms, ctx.remaining_ms()));
        UploadResult r = upload_file(bounded, archive.dir() + "/" + d.file, d.file);
        if (!r.ok) {
            ctx.error("upload_failed", {{"file", d.file}, {"error", r.error}});
            throw std::runtime_error("upload of " + d.file + " failed, its rows are kept: " + r.error);
        }
        ctx.info("uploaded", {{"file", d.file}, {"url", r.remote_url}, {"bytes", r.bytes}, {"ms", r.duration_ms}, {"status", r.put_status}});
        ctx.counts.add("archive_uploads", 1);
        ctx.counts.add("archive_upload_bytes", r.bytes);
        d.phase = "purge";
        ctx.db.write([&] {
            Statement up(ctx.db,
                         "INSERT INTO archive_uploads(job, file, remote_url, size, uploaded_at, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                         " ON CONFLICT(job, file) DO UPDATE SET remote_url = excluded.remote_url, size = excluded.size,"
                         " uploaded_at = excluded.uploaded_at, run_id = excluded.run_id");
            up.bind_all(ctx.job, d.file, r.remote_url, r.bytes, ctx.now, ctx.run_id);
            up.exec();
            store_in_txn(ctx, &d);
        });
        return;
    }
    d.phase = "purge";
    store(ctx, &d);
}

// Step 3: delete exactly the rows appended in step 1. False if stopped (the next run goes on).
bool purge_day(JobContext& ctx, PendingDay& d, const Policy& pass) {
    if (d.size > d.base) {  // no row appended: nothing to delete
        Policy these = pass;
        these.cutoff = d.day + kDay;
        these.filter = "critical = " + std::to_string(d.critical) + " AND created_at >= " + std::to_string(d.day) +
                       " AND (created_at < " + std::to_string(d.last_at) + " OR (created_at = " + std::to_string(d.last_at) +
                       " AND id <= " + std::to_string(d.last_id) + "))";
        if (!purge(ctx, these).finished) return false;
    }
    store(ctx, nullptr);
    return true;
}

bool work_day(JobContext& ctx, PendingDay& d, const Policy& pass, AuditArchive& archive, const UploadTarget& target) {
    if (d.phase == "append" && !append_day(ctx, d, archive)) return false;
    if (d.phase == "upload") {
        // An upload is not started on a spent budget, nor with less than 10 s (or upload_timeout) of it
        // left: it would time out and fail the run, where stopping lets the next run do it.
        if (ctx.should_stop() || ctx.remaining_ms() < std::min<int64_t>(10000, target.timeout_ms)) return false;
        upload_day(ctx, d, archive, target);
    }
    return purge_day(ctx, d, pass);
}

// The oldest row of the pass in a whole day before its cutoff, if any.
std::optional<int64_t> oldest_day(JobContext& ctx, int critical, int64_t before) {
    Statement q(ctx.db, "SELECT min(created_at) FROM audit_logs WHERE critical = ?1 AND created_at < ?2");
    q.bind_all(critical, before);
    if (!q.step() || q.column(0).is_null()) return std::nullopt;
    return q.column(0).as_int64() / kDay * kDay;
}

}  // namespace

bool upload_then_purge(JobContext& ctx, const Policy (&passes)[2], AuditArchive& archive, const UploadTarget& target) {
    for (const auto& p : passes) ctx.counts.note_cutoff(p.table + "." + p.time_column, whole_days_before(p.cutoff));
    if (auto d = load(ctx)) {
        const Policy& pass = passes[d->critical];
        if (d->phase != "purge" && d->day + kDay > whole_days_before(pass.cutoff)) {
            // The retention grew since (older_than raised): the day is not due any more. Its rows are
            // all still in the table; take their lines back out of the file.
            archive.cut(d->file, d->base);
            store(ctx, nullptr);
            ctx.info("upload_day_dropped", {{"file", d->file}, {"reason", "no longer past the cutoff"}});
        } else if (!work_day(ctx, *d, pass, archive, target)) {
            return false;
        }
        if (ctx.should_stop()) return false;
    }
    for (int critical = 0; critical < 2; ++critical) {
        const int64_t before = whole_days_before(passes[critical].cutoff);
        while (auto day = oldest_day(ctx, critical, before)) {
            PendingDay d;
            d.day = *day;
            d.critical = critical;
            d.file = AuditArchive::file_name(d.day);
            d.base = d.size = archive.prepared_size(d.file);
            d.last_at = d.day - 1;  // before every row of the day
            d.last_id = 0;
            d.phase = "append";
            store(ctx, &d);
            if (!work_day(ctx, d, passes[critical], archive, target)) return false;
            if (ctx.should_stop()) return false;
        }
    }
    ctx.info("archived", {{"dir", archive.dir()}, {"uploaded_to", url_without_credentials(target.folder_url)}});
    return true;
}

void forget_pending_upload(JobContext& ctx) {
    if (!ctx.cursor().contains(kCursorKey)) return;
    store(ctx, nullptr);
    ctx.warn("upload_day_forgotten", {{"reason", "upload_url is not set any more; the day's rows are archived locally"}});
}

}  // namespace mj
