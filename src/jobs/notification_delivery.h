// notification-delivery (BJ-21): sends the notification_outbox under an hourly cap.
#pragma once
#include "core/job.h"

namespace mj {

Outcome notification_delivery(JobContext& ctx);

}  // namespace mj
