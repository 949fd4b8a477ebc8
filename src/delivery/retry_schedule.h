// Retry schedules ("1m, 5m, 30m, 2h"): the delay before each retry, counted from the failure of
// the attempt before it (backoff per attempt, not offsets from the first failure: with a tick only
// every 15 minutes on some hosts, offsets would bunch the early retries into one tick).
// With N delays an item gets 1 + N attempts; the failure of the last one is final.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mj {

// Parses a config list of durations. Throws std::runtime_error naming `what` (e.g.
// "[job.webhook-retry] retry_schedule") and the bad entry; an empty list is an error too.
std::vector<int64_t> parse_retry_schedule(const std::vector<std::string>& items, const std::string& what);

// After attempt number `attempt` (1-based) failed transiently: seconds until the next attempt, or
// nullopt when the schedule is used up (the failure is final).
std::optional<int64_t> retry_delay(const std::vector<int64_t>& schedule, int64_t attempt);

}  // namespace mj
