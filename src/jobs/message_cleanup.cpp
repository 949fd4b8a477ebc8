#include "jobs/message_cleanup.h"

#include "core/log.h"
#include "retention/engine.h"

namespace mj {

Outcome message_cleanup(JobContext& ctx) {
    Policy p;
    p.name = "messages";
    p.table = "messages";
    p.time_column = "expires_at";
    p.cutoff = ctx.now - ctx.older_than_override.value_or(0);
    auto result = [&](bool success, int64_t deleted) {
        ctx.result = {{"success", success}, {"deleted_count", deleted}, {"timestamp", iso_time(ctx.now)}};
        if (ctx.dry_run) ctx.result["dry_run"] = true;
    };
    try {
        PurgeResult r = purge(ctx, p);
        result(true, r.rows);
        return outcome_of(r.finished);
    } catch (const std::exception& e) {
        // Batches committed before the error stay deleted; say how many.
        result(false, ctx.counts.by_name.count("messages") ? ctx.counts.by_name.at("messages") : 0);
        ctx.result["error"] = e.what();
        throw;
    }
}

}  // namespace mj
