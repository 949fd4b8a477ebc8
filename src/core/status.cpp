#include "core/status.h"

#include "core/job_catalogue.h"
#include "core/lease.h"
#include "core/queue_depths.h"  // issue 5: queue depths and recent operator alerts

namespace mj {

nlohmann::json collect_status(Db& db, const Config& config, int64_t now) {
    nlohmann::json out = {{"now", now}, {"jobs", nlohmann::json::array()}};
    for (const auto& j : job_registry()) {
        std::string s = std::string("job.") + j.name;
        nlohmann::json row = {{"name", j.name}, {"enabled", config.boolean(s, "enabled")}, {"schedule", config.str(s, "schedule")},
                              {"running", false}, {"consecutive_failures", 0}, {"last_outcome", nullptr},
                              {"next_due_at", nullptr}, {"last_run_id", nullptr}};
        SQLite::Statement st(db.sql(),
                             "SELECT next_due_at, last_run_id, last_outcome, last_started_at, last_finished_at, consecutive_failures "
                             "FROM job_state WHERE job = ?");
        st.bind(1, j.name);
        if (st.executeStep()) {
            if (!st.getColumn(0).isNull()) row["next_due_at"] = st.getColumn(0).getInt64();
            if (!st.getColumn(1).isNull()) row["last_run_id"] = st.getColumn(1).getInt64();
            if (!st.getColumn(2).isNull()) row["last_outcome"] = st.getColumn(2).getString();
            if (!st.getColumn(3).isNull()) row["last_started_at"] = st.getColumn(3).getInt64();
            if (!st.getColumn(4).isNull()) row["last_finished_at"] = st.getColumn(4).getInt64();
            row["consecutive_failures"] = st.getColumn(5).getInt64();
        }
        if (!row["last_run_id"].is_null()) {
            SQLite::Statement r(db.sql(), "SELECT coalesce(duration_ms,0), coalesce(exit_reason,''), changed FROM job_runs WHERE id = ?");
            r.bind(1, row["last_run_id"].get<int64_t>());
            if (r.executeStep()) {
                row["last_duration_ms"] = r.getColumn(0).getInt64();
                row["last_exit_reason"] = r.getColumn(1).getString();
                row["last_changed"] = r.getColumn(2).getInt64();
            }
        }
        if (auto h = Lease::live_holder(db, j.name)) {
            row["running"] = true;
            row["owner"] = h->owner;
            row["run_id"] = h->run_id;
            row["heartbeat_age_s"] = wall_now() - h->heartbeat_at;
            row["running_for_s"] = wall_now() - h->acquired_at;
        }
        out["jobs"].push_back(row);
    }
    add_monitoring_status(db, now, out);  // issue 5: "queues" and "alerts"
    return out;
}

}  // namespace mj
