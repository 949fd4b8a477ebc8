// dns-recheck (BJ-20): rechecks the DNS records of users' custom domains (`domains`) and moves
// them between pending, verified and failed (jobs/dns_state.h), with one notice to the user on
// each status change (notified_status), never one a day.
//
// Per batch of due domains (next_check_at <= now, in (next_check_at, id) order; domains of a
// deleted or suspended user wait): (1) one short transaction claims them (next_check_at = now +
// 10 min, so a run killed mid-batch leaves them due again soon, not lost and not twice in flight);
// (2) every record query of the batch goes out through c-ares, max_in_flight at once, outside any
// transaction (delivery/dns_resolver.h); (3) one short transaction writes each domain's result,
// one dns_checks row per check and the notices (delivery/outbox.h), so a status change and its
// notice commit together. A domain the application changed meanwhile (status or token) keeps the
// application's values and is checked again at its next due time.
//
// `run dns-recheck --domain NAME` checks that one domain now, whatever its next_check_at, and
// returns each record's result in ctx.result; with --dry-run it writes nothing and says what
// would change.
#pragma once
#include "core/job.h"

namespace mj {
Outcome dns_recheck(JobContext& ctx);
}
