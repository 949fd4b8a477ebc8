// webhook-retry (BJ-15): posts due delivery_log rows, signed, and reschedules failures.
#pragma once
#include "core/job.h"

namespace mj {

Outcome webhook_retry(JobContext& ctx);

}  // namespace mj
