// audit-log-cleanup (BJ-09). See audit_log_cleanup.h and audit_archive.h.
#include "jobs/audit_log_cleanup.h"

#include <algorithm>
#include <optional>

#include "jobs/audit_archive.h"
#include "retention/sql_text.h"
#include "retention/engine.h"

namespace mj {
namespace {

// One archive line: the row's columns by name, in table order. `details` is embedded as JSON when
// it parses (it should be an object), else kept as its text. Invalid UTF-8 becomes U+FFFD rather
// than failing the purge forever on one odd row.
std::string line_for(Statement& q) {
    nlohmann::ordered_json j;
    auto opt_int = [&](int i) { return q.column(i).is_null() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(q.column(i).as_int64()); };
    auto opt_str = [&](int i) { return q.column(i).is_null() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(q.column(i).as_text()); };
    j["id"] = q.column(0).as_int64();
    j["user_id"] = opt_int(1);
    j["actor"] = opt_str(2);
    j["action"] = opt_str(3);
    j["target"] = opt_str(4);
    j["critical"] = q.column(5).as_int64();
    std::string details = q.column(6).as_text();
    auto parsed = nlohmann::ordered_json::parse(details, nullptr, false);
    j["details"] = parsed.is_discarded() ? nlohmann::ordered_json(details) : parsed;
    j["ip"] = opt_str(7);
    j["created_at"] = q.column(8).as_int64();
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// Archive, then delete, one batch at a time. The rows are read without a transaction, written and
// fsynced, and only then deleted through the engine (restricted to exactly those ids), so the write
// lock is never held during file IO and a row is deleted only once it is durable in the archive.
bool archive_then_purge(JobContext& ctx, const Policy& p, AuditArchive& archive) {
    const int64_t batch = std::max<int64_t>(1, ctx.cfg_int("batch_size"));
    Statement q(ctx.db,
                "SELECT id, user_id, actor, action, target, critical, details, ip, created_at FROM audit_logs "
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
            lines.push_back({newest, line_for(q)});
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
        these.filter = p.filter + " AND rowid IN (" + rowid_list(ids) + ")";
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

}  // namespace

Outcome audit_log_cleanup(JobContext& ctx) {
    const int64_t normal_age = ctx.older_than();
    // --older-than moves the ordinary retention only; critical events never go sooner than others.
    const int64_t critical_age = std::max(ctx.cfg_duration("critical_older_than"), normal_age);
    std::optional<AuditArchive> archive;
    if (ctx.cfg_bool("archive") && !ctx.dry_run) archive.emplace(ctx.config.path(ctx.section(), "archive_dir"));

    const std::pair<const char*, int64_t> passes[] = {{"critical = 0", normal_age}, {"critical = 1", critical_age}};
    for (size_t i = 0; i < 2; ++i) {
        Policy p;
        p.name = "audit_logs";
        p.table = "audit_logs";
        p.time_column = "created_at";
        p.cutoff = ctx.now - passes[i].second;
        p.filter = passes[i].first;
        bool finished = archive ? archive_then_purge(ctx, p, *archive) : purge(ctx, p).finished;
        if (!finished) return Outcome::more;
        if (i == 0 && ctx.should_stop()) return Outcome::more;
    }
    return Outcome::done;
}

}  // namespace mj
