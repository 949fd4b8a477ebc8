// `mailjobs history [JOB] --attempts [--run N]`: delivery attempts (job_attempts) of webhook-retry,
// forward-retry and notification-delivery, newest first, with attempt number, status code, error,
// duration, next retry time and will_retry.
#pragma once
#include <cstdint>
#include <string>

#include "core/db.h"

namespace mj {

int print_attempts(Db& db, const std::string& job, int64_t run_id, int limit, bool json);

}  // namespace mj
