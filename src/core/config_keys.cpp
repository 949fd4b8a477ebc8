// The one table of configuration keys. Parsing, validation, environment names, `mailjobs config`
// and the jobs.ini.sample check (tests/unit/config_keys_test.cpp) all read it; add a key here and
// nowhere else. Durations are always positive ("0" is rejected), so "off" is spelled with a boolean.
#include "core/config.h"

namespace mj {

const std::vector<KeyDef>& config_keys() {
    using T = KeyType;
    static const std::vector<KeyDef> table = {
        // [general]
        {"general", "database", T::path, "var/mailjobs.db", "SQLite file shared with the web application (relative to jobs.ini)"},
        {"general", "log_file", T::path, "var/mailjobs.log", "JSON Lines log file (relative to jobs.ini); \"-\" = stderr"},
        {"general", "log_format", T::choice, "auto", "auto (readable on a terminal, JSON otherwise), json or text", "auto|json|text"},
        {"general", "log_level", T::choice, "info", "least important level written", "debug|info|warn|error"},
        {"general", "time_budget", T::duration, "120s", "wall-clock budget of one tick or run; jobs stop between batches when it is spent"},
        {"general", "timezone", T::timezone, "UTC", "timezone of cron expressions in schedules (UTC or an IANA name)"},
        {"general", "busy_timeout", T::duration, "5s", "how long a write waits for the application's lock before giving up"},
        {"general", "lease_grace", T::duration, "60s", "a job lease expires this long after the budget if its owner stops renewing it"},
        {"general", "mode", T::choice, "cron", "cron: `tick` runs due jobs; worker: `tick` does nothing, `mailjobs worker` runs them", "cron|worker"},
        {"general", "worker_interval", T::duration, "60s", "how often `mailjobs worker` looks for due jobs"},
        {"general", "max_transaction", T::duration, "1s", "upper bound for the adaptive batch size: a purge transaction stays well below this"},

        // [job.NAME]: every job
        {"job.*", "enabled", T::boolean, "true", "run this job when it is due"},
        {"job.*", "schedule", T::schedule, "", "when the job is due: 'every 6h', a 5-field cron expression, @hourly, @daily, 'off'"},
        {"job.*", "batch_size", T::integer, "1000", "rows per batch (one short write transaction per batch)"},

        // [job.session-cleanup] (BJ-19)
        {"job.session-cleanup", "older_than", T::duration, "1d", "delete sessions this long after their absolute expiry"},
        {"job.session-cleanup", "idle_timeout", T::duration, "30d", "delete sessions not seen for this long"},
        // [job.magic-link-expiry] (BJ-13)
        {"job.magic-link-expiry", "older_than", T::duration, "1d", "delete magic links this long after they expired (the app can still say 'expired' meanwhile)"},
        // --- retention keys A (issue 4) ---
        // --- retention keys B (issue 4) ---
        // --- cleanup API keys (issue 4) ---
        // --- delivery keys (issue 5) ---
        // --- monitoring keys (issue 5) ---
    };
    return table;
}

}  // namespace mj
