#include "jobs/delivery_log_cleanup.h"

#include "retention/engine.h"

namespace mj {

Outcome delivery_log_cleanup(JobContext& ctx) {
    Policy p;
    p.name = "delivery_log";
    p.table = "delivery_log";
    p.time_column = "created_at";
    p.cutoff = ctx.now - ctx.older_than();
    p.filter = "status IN ('delivered','permanently_failed')";
    return outcome_of(purge(ctx, p).finished);
}

}  // namespace mj
