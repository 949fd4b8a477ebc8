// Operator alerts (BJ-22, BJ-26). After a run is recorded, the runner calls check_alerts(): when a
// job has failed [alerts] failure_threshold runs in a row it alerts the operator once, by e-mail
// ([alerts] email, through the [mail] transport, From: persona "operator") and/or by a JSON POST
// ([alerts] webhook_url); when the job next succeeds it sends one recovery alert.
//
// "Once" is job_state.alert_state: the transition ok -> alerted (or back) is taken in one short
// transaction before anything is sent, so of several processes only one sends. Every alert sent or
// attempted is an operator_alerts row. If every channel failed, the state goes back, so the next
// run tries again. An alert never fails or stops the job: problems are warnings in the log.
#pragma once
#include <cstdint>
#include <string>

#include "core/config.h"
#include "core/db.h"

namespace mj {

// `failed`: the run's outcome was failed; job_state already holds this run's consecutive_failures.
void check_alerts(Db& db, const Config& config, const std::string& job, int64_t run_id, bool failed, const std::string& error);

// A one-off alert raised by a job about its data (not a failure streak), e.g. overflow-hold-expiry
// keeping held mail whose deletion warning was never sent (issue 12.3). Same channels; recorded in
// operator_alerts as kind 'failing' with `text` as its error. The caller makes it go once. Returns
// true if any channel took it.
bool send_job_alert(Db& db, const Config& config, const std::string& job, int64_t run_id,
                    const std::string& subject, const std::string& text);

}  // namespace mj
