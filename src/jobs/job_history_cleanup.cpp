#include "jobs/job_history_cleanup.h"

#include "retention/engine.h"

namespace mj {
namespace {

Policy history_policy(const char* table, const char* time_column, const char* filter, int64_t cutoff) {
    Policy p;
    p.name = table;
    p.table = table;
    p.time_column = time_column;
    p.cutoff = cutoff;
    p.filter = filter;
    return p;
}

}  // namespace

Outcome job_history_cleanup(JobContext& ctx) {
    const int64_t cutoff = ctx.now - ctx.older_than();
    // "Not the newest of its group": a newer row of the group EXISTS, one seek in the (group, id) index.
    const Policy policies[] = {
        history_policy("job_runs", "started_at",
                       "EXISTS (SELECT 1 FROM job_runs AS newer WHERE newer.job = job_runs.job AND newer.id > job_runs.id)",
                       cutoff),
        history_policy("job_attempts", "created_at", "", cutoff),
        history_policy("operator_alerts", "created_at",
                       "EXISTS (SELECT 1 FROM operator_alerts AS newer WHERE newer.job = operator_alerts.job "
                       "AND newer.id > operator_alerts.id)",
                       cutoff),
        history_policy("send_quota", "window_start", "", cutoff),
        history_policy("queue_samples", "sampled_at", "", cutoff),          // issue 16: the dashboard's chart
        history_policy("dashboard_sign_in_failures", "window_start", "", cutoff),
        history_policy("dns_checks", "checked_at",
                       "EXISTS (SELECT 1 FROM dns_checks AS newer WHERE newer.domain_id = dns_checks.domain_id "
                       "AND newer.id > dns_checks.id)",
                       cutoff),
    };
    bool first = true;
    for (const auto& p : policies) {
        if (!first && ctx.should_stop()) return Outcome::more;
        first = false;
        if (!purge(ctx, p).finished) return Outcome::more;
    }
    return Outcome::done;
}

}  // namespace mj
