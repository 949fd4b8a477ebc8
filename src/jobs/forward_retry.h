// forward-retry (BJ-03): resends failed forwards from failed_emails on the retry schedule.
#pragma once
#include "core/job.h"

namespace mj {

Outcome forward_retry(JobContext& ctx);

}  // namespace mj
