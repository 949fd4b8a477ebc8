#include "jobs/notification_cleanup.h"

#include "retention/engine.h"

namespace mj {

Outcome notification_cleanup(JobContext& ctx) {
    Policy cap;
    cap.name = "notifications_soft_deleted";
    cap.table = "notifications";
    cap.time_column = "created_at";
    cap.action = Policy::Action::soft_delete;
    cap.filter = "status = 'read'";
    cap.cap = Cap{"user_id", ctx.cfg_int("keep_newest"), ctx.cfg_int("max_per_user")};
    const PurgeResult capped = purge(ctx, cap);

    Policy hard;
    hard.name = "notifications";
    hard.table = "notifications";
    hard.time_column = "deleted_at";
    hard.cutoff = ctx.now - ctx.older_than("hard_delete_after");
    PurgeResult removed{};
    bool finished = capped.finished && !ctx.should_stop();
    if (finished) finished = (removed = purge(ctx, hard)).finished;

    // The seed's statistics, after the run (before it, in a dry run).
    Statement q(ctx.db, "SELECT count(*), count(DISTINCT user_id) FROM notifications WHERE deleted_at IS NULL");
    q.step();
    ctx.result = {{"total_notifications", q.column(0).as_int64()},
                  {"users_with_notifications", q.column(1).as_int64()},
                  {"soft_deleted", capped.rows},
                  {"hard_deleted", removed.rows},
                  {"users_over_cap", capped.owners}};
    if (ctx.dry_run) ctx.result["dry_run"] = true;
    return outcome_of(finished);
}

}  // namespace mj
