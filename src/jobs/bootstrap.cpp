#include "jobs/bootstrap.h"

#include "core/run_hooks.h"
#include "core/startup.h"
#include "delivery/run_hooks.h"
#include "jobs/registry.h"
#include "retention/operator_policies.h"

namespace mj {

void bootstrap() {
    register_jobs();
    // issue 5: the end ping goes out before the alerts are checked, as it always did.
    set_run_hooks({ping_run_hook, alert_run_hook});
    set_database_checks({{"retention policy problem", check_operator_policies_for}});
}

}  // namespace mj
