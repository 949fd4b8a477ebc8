#include "jobs/retention_policies.h"

#include "retention/operator_policies.h"

namespace mj {

Outcome retention_policies(JobContext& ctx) {
    bool first = true;
    for (const auto& section : ctx.config.retention_sections()) {
        if (!ctx.config.boolean(section, "enabled")) {
            ctx.info("policy_disabled", {{"policy", section}});
            continue;
        }
        if (!first && ctx.should_stop()) return Outcome::more;
        first = false;
        Policy p = operator_policy(ctx.config, section, ctx.now, ctx.older_than_override);
        if (!purge(ctx, p).finished) return Outcome::more;
    }
    return Outcome::done;
}

}  // namespace mj
