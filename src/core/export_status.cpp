#include "core/export_status.h"

namespace mj {

nlohmann::json collect_export_status(Db& db, int64_t now) {
    nlohmann::json out = {{"requested", db.scalar("SELECT count(*) FROM exports WHERE status = 'requested'")},
                          {"running", nlohmann::json::array()},
                          {"ready", db.scalar("SELECT count(*) FROM exports WHERE status = 'ready'")},
                          {"ready_bytes", db.scalar("SELECT coalesce(sum(size_bytes), 0) FROM exports WHERE status = 'ready'")},
                          {"failed_24h", db.scalar("SELECT count(*) FROM exports WHERE status = 'failed' AND completed_at > ?", now - 86400)}};
    Statement q = db.query("SELECT id, uuid, coalesce(started_at, 0), attempts, progress, coalesce(claim_expires_at, 0) "
                           "FROM exports WHERE status = 'running' ORDER BY id");
    while (q.step()) {
        nlohmann::json progress = nlohmann::json::parse(q.column(4).as_text(), nullptr, false);
        out["running"].push_back({{"id", q.column(0).as_int64()},
                                  {"uuid", q.column(1).as_text()},
                                  {"started_at", q.column(2).as_int64()},
                                  {"attempts", q.column(3).as_int64()},
                                  {"claim_expired", q.column(5).as_int64() < now},
                                  {"progress", progress.is_object() ? progress : nlohmann::json::object()}});
    }
    return out;
}

std::string export_status_text(const nlohmann::json& e) {
    const int64_t requested = e.value("requested", int64_t(0)), ready = e.value("ready", int64_t(0));
    if (!requested && !ready && e["running"].empty() && !e.value("failed_24h", int64_t(0))) return "";
    std::string out = "\nexports: " + std::to_string(requested) + " requested, " + std::to_string(e["running"].size()) +
                      " running, " + std::to_string(ready) + " ready (" +
                      std::to_string((e.value("ready_bytes", int64_t(0)) + 1048575) / 1048576) + " MiB), " +
                      std::to_string(e.value("failed_24h", int64_t(0))) + " failed in 24 h\n";
    for (const auto& r : e["running"]) {
        const auto& p = r["progress"];
        out += "  export " + std::to_string(r["id"].get<int64_t>()) + " (attempt " + std::to_string(r["attempts"].get<int64_t>()) +
               "): " + (p.contains("tables_done") && p["tables_done"].is_number() ? std::to_string(p["tables_done"].get<int64_t>()) : "0") +
               "/" + (p.contains("tables") ? std::to_string(p["tables"].get<int64_t>()) : "?") + " tables, " +
               std::to_string(p.value("rows", int64_t(0))) + " rows" +
               (p.contains("table") ? ", at " + p["table"].get<std::string>() : "") +
               (r["claim_expired"].get<bool>() ? " (its run died: the next run takes it over)" : "") + "\n";
    }
    return out;
}

}  // namespace mj
