#include "core/status.h"

#include "core/disk_files.h"  // issue 17: bytes per kind on disk
#include "core/export_status.h"  // issue 14: account exports and their progress
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
        Statement st(db,
                     "SELECT next_due_at, last_run_id, last_outcome, last_started_at, last_finished_at, consecutive_failures "
                     "FROM job_state WHERE job = ?");
        st.bind(1, j.name);
        if (st.step()) {
            if (!st.column(0).is_null()) row["next_due_at"] = st.column(0).as_int64();
            if (!st.column(1).is_null()) row["last_run_id"] = st.column(1).as_int64();
            if (!st.column(2).is_null()) row["last_outcome"] = st.column(2).as_text();
            if (!st.column(3).is_null()) row["last_started_at"] = st.column(3).as_int64();
            if (!st.column(4).is_null()) row["last_finished_at"] = st.column(4).as_int64();
            row["consecutive_failures"] = st.column(5).as_int64();
        }
        if (!row["last_run_id"].is_null()) {
            Statement r(db, "SELECT coalesce(duration_ms,0), coalesce(exit_reason,''), changed FROM job_runs WHERE id = ?");
            r.bind(1, row["last_run_id"].get<int64_t>());
            if (r.step()) {
                row["last_duration_ms"] = r.column(0).as_int64();
                row["last_exit_reason"] = r.column(1).as_text();
                row["last_changed"] = r.column(2).as_int64();
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
    out["exports"] = collect_export_status(db, now);
    out["disk"] = disk_usage(config);  // issue 17
    // A server's database is no file here: its size as the server counts it (pg_database_size).
    if (!db.is_file()) out["disk"]["database"] = db.page_count() * db.page_size();
    return out;
}

}  // namespace mj
