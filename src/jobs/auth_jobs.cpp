// Authentication leftovers: expired sessions (BJ-19) and magic links (BJ-13).
// Both are pure retention policies; idempotent because a second run selects nothing.
#include "jobs/auth_jobs.h"

#include "retention/engine.h"

namespace mj {

Outcome session_cleanup(JobContext& ctx) {
    Policy expired;
    expired.name = "sessions";
    expired.table = "sessions";
    expired.time_column = "expires_at";
    expired.cutoff = ctx.now - ctx.older_than();
    Policy idle = expired;
    idle.time_column = "last_seen_at";
    idle.cutoff = ctx.now - ctx.cfg_duration("idle_timeout");
    // Past the absolute timeout, or idle too long; a session alive on both counts stays.
    idle.filter = "expires_at >= " + std::to_string(expired.cutoff);
    bool finished = purge(ctx, expired).finished;
    if (finished && !ctx.should_stop()) finished = purge(ctx, idle).finished;
    else finished = false;
    return outcome_of(finished);
}

Outcome magic_link_expiry(JobContext& ctx) {
    Policy p;
    p.name = "magic_links";
    p.table = "magic_links";
    p.time_column = "expires_at";
    p.cutoff = ctx.now - ctx.older_than();
    return outcome_of(purge(ctx, p).finished);
}

}  // namespace mj
