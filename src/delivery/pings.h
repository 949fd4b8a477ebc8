// Monitoring pings in healthchecks.io's URL conventions, per job ([job.NAME] ping_url, or for every
// job under [job.*]):
//   run start:  POST <ping_url>/start?rid=<uuid>
//   success:    POST <ping_url>?rid=<uuid>                (outcome done, or more: budget reached)
//   failure:    POST <ping_url>/<exit status>?rid=<uuid>  (1 = job failed, 130 = interrupted)
// The rid is a fresh random UUID per run (healthchecks.io requires a canonical lowercase UUID);
// the body names the job and its job_runs id, so a ping links back to `mailjobs history`.
// A ping has a short timeout ([alerts] ping_timeout) and never fails or stops a job: a failed ping
// is a warning in the log. Dry runs and runs skipped for a lock send no pings.
#pragma once
#include <cstdint>
#include <string>

#include "core/config.h"

namespace mj {

struct PingRun {
    std::string url;  // "" = pings off for this job
    std::string rid;
};

// Sends the start signal when the job has a ping_url; returns what ping_end needs.
PingRun ping_start(const Config& config, const std::string& job, int64_t run_id);

// Sends success (exit_status 0) or failure (exit_status != 0) with `summary` as the body.
void ping_end(const Config& config, const PingRun& ping, const std::string& job, int64_t run_id, int exit_status,
              const std::string& summary);

// `base` + "/" + signal (signal "" = success) + "?rid=" + rid; a query already in `base` is kept.
std::string ping_signal_url(const std::string& base, const std::string& signal, const std::string& rid);

// A random version-4 UUID in canonical lowercase form.
std::string random_uuid();

}  // namespace mj
