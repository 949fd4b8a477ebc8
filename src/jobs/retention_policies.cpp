#include "jobs/retention_policies.h"

#include "retention/operator_policies.h"

namespace mj {

Outcome retention_policies(JobContext& ctx) {
    bool first = true;
    std::string stopped;  // policies a single row over max_transaction stopped for this run
    for (const auto& section : ctx.config.retention_sections()) {
        if (!ctx.config.boolean(section, "enabled")) {
            ctx.info("policy_disabled", {{"policy", section}});
            continue;
        }
        if (!first && ctx.should_stop()) return Outcome::more;
        first = false;
        Policy p = operator_policy(ctx.config, section, ctx.now, ctx.older_than_override);
        try {
            if (!purge(ctx, p).finished) return Outcome::more;
        } catch (const TransactionTooLong& e) {
            // The engine warned (row_over_max_transaction); the other policies still run. The next
            // run tries it again: the operator has to make its `where` cheaper or raise the bound.
            ctx.warn("policy_stopped", {{"policy", section}, {"reason", e.what()}});
            stopped += (stopped.empty() ? "" : ", ") + section;
        }
    }
    if (!stopped.empty())
        ctx.note = "stopped for this run, a single row takes longer than max_transaction: " + stopped;
    return Outcome::done;
}

}  // namespace mj
