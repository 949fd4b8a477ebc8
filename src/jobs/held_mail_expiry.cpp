#include "jobs/held_mail_expiry.h"

#include "jobs/spool_files.h"
#include "retention/engine.h"

namespace mj {
namespace {

// Purges `p` and removes the spool files of the rows it deleted, each after its batch committed.
Outcome purge_with_spool(JobContext& ctx, Policy p, const std::string& spool_dir) {
    SpoolFiles spool(ctx, spool_dir);
    if (spool_dir.empty()) {
        ctx.warn("spool_dir_unset", {{"table", p.table}, {"effect", "spool files of deleted rows stay on disk"}});
        return outcome_of(purge(ctx, p).finished);
    }
    p.before_delete = [&](JobContext&, const std::vector<int64_t>& ids) { spool.collect(p.table, ids); };
    p.after_rollback = [&] { spool.drop_pending(); };  // a batch the time bound stopped: its files stay
    PurgeResult r;
    try {
        r = purge(ctx, p);
    } catch (...) {
        spool.drop_pending();  // that batch rolled back: its files stay with their rows
        throw;
    }
    spool.remove_committed();
    return outcome_of(r.finished);
}

}  // namespace

Outcome failed_email_expiry(JobContext& ctx) {
    Policy p;
    p.name = "failed_emails";
    p.table = "failed_emails";
    p.time_column = "first_failed_at";
    p.cutoff = ctx.now - ctx.older_than();
    p.filter = "status IN ('delivered','failed')";  // never pending (retry scheduled) or sending (claimed)
    // The spool folder is forward-retry's unless set here: one folder, one setting.
    std::string dir = ctx.config.path(ctx.section(), "spool_dir");
    if (dir.empty() && ctx.config.has("job.forward-retry", "spool_dir")) dir = ctx.config.path("job.forward-retry", "spool_dir");
    return purge_with_spool(ctx, p, dir);
}

Outcome spam_quarantine_expiry(JobContext& ctx) {
    Policy p;
    p.name = "spam_quarantine";
    p.table = "spam_quarantine";
    p.time_column = "quarantined_at";
    p.cutoff = ctx.now - ctx.older_than();
    return purge_with_spool(ctx, p, ctx.config.path(ctx.section(), "spool_dir"));
}

}  // namespace mj
