#pragma once
#include "core/job.h"

namespace mj {
Outcome session_cleanup(JobContext& ctx);    // BJ-19: past absolute expiry (+older_than) or idle_timeout
Outcome magic_link_expiry(JobContext& ctx);  // BJ-13: expired magic links (+older_than grace)
}  // namespace mj
