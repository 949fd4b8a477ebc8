// notification-delivery (BJ-21): sends the notification_outbox under an hourly cap.
#pragma once
#include "core/job.h"

namespace mj {

Outcome notification_delivery(JobContext& ctx);

// The tick's follow-up probe (core/due.h, rule 5): 1 when a notice is claimable at `now` and the
// hourly cap has room, else 0. Read-only.
int64_t notification_delivery_follow_up(Db& db, const Config& config, int64_t now);

}  // namespace mj
