#include "api/dashboard_pages.h"

#include "api/cleanup_runs.h"
#include "api/dashboard_charts.h"
#include "api/dashboard_data.h"
#include "api/dashboard_html.h"
#include "core/due.h"
#include "core/job_catalogue.h"
#include "core/queue_depths.h"
#include "core/status.h"
#include "delivery/attempts.h"

namespace mj {
namespace {

using J = nlohmann::json;

std::string esc(const J& v) {
    if (v.is_null()) return "\xE2\x80\x94";  // an em dash for "none"
    if (v.is_string()) return html_escape(v.get<std::string>());
    return html_escape(v.dump());
}

std::string td(const std::string& html, const char* cls = nullptr) {
    return std::string("<td") + (cls ? std::string(" class=\"") + cls + "\"" : "") + ">" + html + "</td>";
}

std::string table(const std::string& head_cells, const std::string& rows, const char* empty) {
    if (rows.empty()) return std::string("<p class=\"muted\">") + empty + "</p>";
    return "<div class=\"scroll\"><table><thead><tr>" + head_cells + "</tr></thead><tbody>" + rows + "</tbody></table></div>";
}

std::string th(std::initializer_list<const char*> names) {
    std::string out;
    for (const char* n : names) {
        const bool num = n[0] == '#';
        out += std::string("<th") + (num ? " class=\"n\"" : "") + " scope=\"col\">" + (num ? n + 1 : n) + "</th>";
    }
    return out;
}

std::string outcome_html(const J& outcome) {
    if (outcome.is_null()) return "<span class=\"muted\">never ran</span>";
    const std::string o = outcome.get<std::string>();
    return "<span class=\"o-" + html_escape(o) + "\">" + html_escape(o) + "</span>";
}

std::string job_link(const DashboardView& v, const std::string& job) {
    return "<a href=\"" + html_escape(v.base + "/jobs/" + job) + "\">" + html_escape(job) + "</a>";
}

std::string duration_text(const J& ms) {
    if (!ms.is_number()) return "\xE2\x80\x94";
    const int64_t n = ms.get<int64_t>();
    return n < 10000 ? std::to_string(n) + " ms" : short_age(n / 1000);
}

std::string counts_text(const J& counts) {
    std::string out;
    if (counts.is_object())
        for (auto it = counts.begin(); it != counts.end(); ++it) out += (out.empty() ? "" : ", ") + it.key() + " " + it.value().dump();
    return out;
}

std::string health_banner(const DashboardView& v, const J& status) {
    const TickHealth tick = tick_health(v.db, v.config, v.now);
    std::vector<std::string> problems;
    const std::string what = tick.worker ? "worker pass" : "tick";
    const std::string key = tick.worker ? "worker_interval" : "cron_interval";
    std::string cron;
    if (tick.last_at == 0) cron = "No " + what + " recorded yet: is the cron line installed?";
    else cron = "Last " + what + " " + short_age(std::max<int64_t>(0, v.now - tick.last_at)) + " ago ([general] " + key + " = " +
                short_age(tick.interval) + ")";
    if (tick.stale) problems.push_back(html_escape(cron + (tick.last_at ? ": cron looks stopped" : "")));
    for (const auto& j : status["jobs"]) {
        if (j["last_outcome"] != "failed") continue;
        problems.push_back(job_link(v, j["name"].get<std::string>()) + " failed its last run" +
                           (j["consecutive_failures"].get<int64_t>() > 1
                                ? " (" + std::to_string(j["consecutive_failures"].get<int64_t>()) + " failures in a row)"
                                : std::string()));
    }
    std::string alerts;
    for (const auto& a : status["alerts"]) {
        if (a["created_at"].get<int64_t>() < v.now - 86400) continue;
        alerts += "<li>" + time_html(a["created_at"].get<int64_t>(), v.now) + " " + esc(a["job"]) + ": " + esc(a["kind"]) + " via " +
                  esc(a["channel"]) + " (" + esc(a["status"]) + ")</li>";
    }
    std::string out;
    if (problems.empty()) {
        out = "<div class=\"banner ok\" role=\"status\"><strong>Healthy.</strong> " + html_escape(cron) + "; no job failed its last run.</div>";
    } else {
        out = "<div class=\"banner bad\" role=\"alert\"><strong>Needs attention.</strong><ul>";
        for (const auto& p : problems) out += "<li>" + p + "</li>";
        out += "</ul>" + (tick.stale ? std::string() : "<p>" + html_escape(cron) + "</p>") + "</div>";
    }
    if (!alerts.empty()) out += "<div class=\"banner warn\"><strong>Alerts in the last 24 hours</strong><ul>" + alerts + "</ul></div>";
    return out;
}

std::string jobs_table(const DashboardView& v, const J& status) {
    std::string rows;
    for (const auto& j : status["jobs"]) {
        const bool running = j["running"].get<bool>(), enabled = j["enabled"].get<bool>();
        std::string next = "next tick";
        if (j["next_due_at"].is_number())
            next = j["next_due_at"].get<int64_t>() <= v.now ? "due" : time_html(j["next_due_at"].get<int64_t>(), v.now);
        if (!enabled || j["schedule"] == "off") next = "\xE2\x80\x94";
        rows += "<tr>" + td(job_link(v, j["name"].get<std::string>())) +
                td(running ? "<strong>running</strong>" : enabled ? "idle" : "disabled") +
                td(j.contains("last_started_at") ? time_html(j["last_started_at"].get<int64_t>(), v.now) : "\xE2\x80\x94") +
                td(outcome_html(j["last_outcome"]) +
                   (j.contains("last_exit_reason") && j["last_exit_reason"] != "done" && j["last_exit_reason"] != ""
                        ? " <span class=\"muted\">(" + esc(j["last_exit_reason"]) + ")</span>"
                        : "")) +
                td(html_escape(std::to_string(j["consecutive_failures"].get<int64_t>())), "n") +
                td(html_escape(duration_text(j.value("last_duration_ms", J()))), "n") + td(next) + td(enabled ? "yes" : "no") +
                td(esc(j["schedule"])) + "</tr>";
    }
    return table(th({"Job", "State", "Last run", "Outcome", "#Fails", "#Duration", "Next due", "Enabled", "Schedule"}), rows, "No jobs.");
}

std::string queues_table(const J& queues) {
    std::string rows;
    for (auto it = queues.begin(); it != queues.end(); ++it) {
        const auto& q = it.value();
        rows += "<tr>" + td(html_escape(it.key())) + td(esc(q["pending"]), "n") + td(esc(q["due"]), "n") +
                td(esc(q.value("waiting_user_inactive", J(0))), "n") +
                td(q["oldest_pending_age_s"].is_null() ? "\xE2\x80\x94" : html_escape(short_age(q["oldest_pending_age_s"].get<int64_t>())), "n") +
                "</tr>";
    }
    return table(th({"Queue", "#Pending", "#Due", "#Waiting (user inactive)", "#Oldest pending"}), rows, "No queues.");
}

std::string runs_table(const DashboardView& v, const J& runs, bool with_job) {
    std::string rows;
    for (const auto& r : runs) {
        std::string detail = counts_text(r["deleted"]);
        if (r["dryRun"].get<bool>()) detail += (detail.empty() ? "" : " ") + std::string("(dry run)");
        const J note = r["error"].is_null() ? r["reason"] : r["error"];
        rows += "<tr>" + td(html_escape(std::to_string(r["runId"].get<int64_t>())), "n") +
                (with_job ? td(job_link(v, r["job"].get<std::string>())) : std::string()) + td(esc(r["startedAt"])) +
                td(esc(r["trigger"])) + td(outcome_html(r["outcome"])) + td(esc(r["exitReason"])) + td(esc(r["examined"]), "n") +
                td(esc(r["changed"]), "n") + td(html_escape(duration_text(r["durationMs"])), "n") +
                td(html_escape(detail) + (note.is_null() ? "" : (detail.empty() ? "" : "<br>") + esc(note)), "wrap") + "</tr>";
    }
    return table(with_job ? th({"#Run", "Job", "Started (UTC)", "Trigger", "Outcome", "Exit reason", "#Examined", "#Changed", "#Duration", "Counts, error"})
                          : th({"#Run", "Started (UTC)", "Trigger", "Outcome", "Exit reason", "#Examined", "#Changed", "#Duration", "Counts, error"}),
                 rows, "No runs recorded.");
}

std::string attempts_table(const DashboardView& v, const J& attempts) {
    std::string rows;
    for (const auto& a : attempts) {
        rows += "<tr>" + td(time_html(a["created_at"].get<int64_t>(), v.now)) + td(esc(a["run_id"]), "n") +
                td(esc(a["item_table"]) + ":" + esc(a["item_id"])) + td(esc(a["attempt"]), "n") + td(esc(a["status_code"]), "n") +
                td(html_escape(duration_text(a["duration_ms"])), "n") +
                td(a["will_retry"].get<bool>() ? time_html(a["next_retry_at"].get<int64_t>(), v.now) : "no retry") +
                td(a["error"].is_null() ? "ok" : esc(a["error"]), "wrap") + "</tr>";
    }
    return table(th({"At", "#Run", "Item", "#Attempt", "#Code", "#Duration", "Next retry", "Error"}), rows, "No attempts recorded.");
}

std::string action_form(const DashboardView& v, const std::string& job, const char* action, const char* label, bool allowed) {
    return "<form class=\"inline\" method=\"post\" action=\"" + html_escape(v.base + "/jobs/" + job + "/" + action) + "\">" +
           (v.csrf.empty() ? "" : "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(v.csrf) + "\">") +
           "<button type=\"submit\"" + (allowed ? "" : " disabled") + ">" + label + "</button></form>";
}

Chart duration_chart(const std::string& job, const std::vector<double>& days, int64_t now) {
    Chart c;
    c.title = job + ": longest run per day";
    c.unit = "ms";
    c.x_labels = chart_day_labels(now);
    c.series.push_back({"longest run", days.empty() ? std::vector<double>(kChartDays, 0) : days});
    return c;
}

}  // namespace

std::string overview_html(const DashboardView& v) {
    const J status = collect_status(v.db, v.config, v.now);
    return "<h1>Overview</h1>" + health_banner(v, status) + "<h2>Jobs</h2>" + jobs_table(v, status) + "<h2>Queues</h2>" +
           queues_table(status["queues"]) + "<h2>Latest runs</h2>" + runs_table(v, recent_runs_of_every_job(v.db, 10), true) +
           "<p><a href=\"" + html_escape(v.base + "/runs") + "\">More runs</a></p>";
}

std::string runs_html(const DashboardView& v) {
    return "<h1>Recent runs</h1>" + runs_table(v, recent_runs_of_every_job(v.db, 100), true);
}

std::string charts_html(const DashboardView& v) {
    const RunDays runs = run_days(v.db, v.now);
    const SendDays sends = send_days(v.db, v.now);
    const auto labels = chart_day_labels(v.now);
    Chart purged{Chart::Kind::bars, "Rows purged per day (cleanup jobs)", "rows", labels, {{"purged", runs.purged}}};
    Chart mail{Chart::Kind::bars, "Mail attempts per day (forwards and notices)", "", labels,
               {{"sent", sends.mail_sent}, {"failed", sends.mail_failed}}};
    Chart hooks{Chart::Kind::bars, "Webhook attempts per day", "", labels, {{"sent", sends.webhooks_sent}, {"failed", sends.webhooks_failed}}};
    std::string out = "<h1>Charts</h1><p class=\"muted\">The last 14 days, UTC.</p><div class=\"charts\">" + chart_svg(purged) +
                      chart_svg(mail) + chart_svg(hooks) + chart_svg(queue_depth_chart(v.db, v.now)) + "</div><h2>Run durations per job</h2>";
    if (runs.longest_ms.empty()) return out + "<p class=\"muted\">No runs in the last 14 days.</p>";
    out += "<div class=\"charts\">";
    for (const auto& [job, days] : runs.longest_ms) out += chart_svg(duration_chart(job, days, v.now));
    return out + "</div>";
}

std::string accounts_html(const DashboardView& v) {
    const J t = account_tables(v.db, 30);
    std::string ex, del, dns;
    for (const auto& e : t["exports"])
        ex += "<tr>" + td(esc(e["id"]), "n") + td(esc(e["user_id"]), "n") + td(esc(e["status"])) + td(esc(e["format"])) +
              td(esc(e["size_bytes"]), "n") + td(esc(e["attempts"]), "n") + td(esc(e["downloads"]), "n") +
              td(time_html(e["requested_at"].get<int64_t>(), v.now)) +
              td(e["expires_at"].is_null() ? "\xE2\x80\x94" : time_html(e["expires_at"].get<int64_t>(), v.now)) + td(esc(e["error"]), "wrap") +
              "</tr>";
    for (const auto& d : t["deletions"])
        del += "<tr>" + td(esc(d["id"]), "n") + td(esc(d["user_id"]), "n") + td(esc(d["status"])) +
               td(time_html(d["requested_at"].get<int64_t>(), v.now)) + td(time_html(d["started_at"].get<int64_t>(), v.now)) +
               td(d["completed_at"].is_null() ? "\xE2\x80\x94" : time_html(d["completed_at"].get<int64_t>(), v.now)) + td(esc(d["rows"]), "n") +
               "</tr>";
    for (const auto& c : t["dns_checks"])
        dns += "<tr>" + td(esc(c["id"]), "n") + td(esc(c["domain"])) + td(esc(c["result"])) + td(esc(c["status"])) +
               td(time_html(c["checked_at"].get<int64_t>(), v.now)) + td(esc(c["detail"]), "wrap") + "</tr>";
    return "<h1>Accounts</h1><h2>Exports</h2>" +
           table(th({"#Id", "#User", "Status", "Format", "#Bytes", "#Attempts", "#Downloads", "Requested", "Expires", "Error"}), ex, "No exports.") +
           "<h2>Account deletions</h2>" +
           table(th({"#Id", "#User", "Status", "Requested", "Started", "Completed", "#Rows deleted"}), del, "No account deletions.") +
           "<h2>Domain checks</h2>" + table(th({"#Id", "Domain", "Result", "Status after", "Checked", "Detail"}), dns, "No domain checks.");
}

std::string job_html(const DashboardView& v, const std::string& name, const std::string& flash) {
    const JobDef* def = find_job(name);
    const J status = collect_status(v.db, v.config, v.now);
    J row;
    for (const auto& j : status["jobs"])
        if (j["name"] == name) row = j;
    std::string out = "<h1>" + html_escape(name) + "</h1><p>" + html_escape(def ? def->summary : "") + "</p>";
    if (!flash.empty()) out += "<div class=\"banner ok\" role=\"status\">" + html_escape(flash) + "</div>";
    if (!row.is_null()) {
        std::string state = row["running"].get<bool>() ? "running (" + row["owner"].get<std::string>() + ", heartbeat " +
                                                              short_age(row["heartbeat_age_s"].get<int64_t>()) + " ago)"
                                                        : row["enabled"].get<bool>() ? "idle" : "disabled";
        out += "<p>State: " + html_escape(state) + ". Schedule: " + esc(row["schedule"]) + ". Next due: " +
               (row["next_due_at"].is_number() ? time_html(row["next_due_at"].get<int64_t>(), v.now) : std::string("next tick")) +
               ". Consecutive failures: " + esc(row["consecutive_failures"]) + ".</p>";
    }
    out += "<h2>Actions</h2>";
    if (v.read_only) out += "<p class=\"muted\">Read-only dashboard ([dashboard] read_only = true).</p>";
    out += action_form(v, name, "due", "Make due now", !v.read_only) + action_form(v, name, "release", "Release a dead lease", !v.read_only);
    out += "<p class=\"muted\">\xE2\x80\x9CMake due now\xE2\x80\x9D: the next tick runs it (nothing runs inside this request). A lease is released only when its holder is gone or expired.</p>";
    const RunDays days = run_days(v.db, v.now, name);
    auto it = days.longest_ms.find(name);
    out += "<h2>Run durations</h2>" + chart_svg(duration_chart(name, it == days.longest_ms.end() ? std::vector<double>() : it->second, v.now));
    out += "<h2>History</h2>" + runs_table(v, recent_runs(v.db, {name}, 50), false);
    if (def && std::string(def->group) == "delivery") out += "<h2>Attempts</h2>" + attempts_table(v, recent_attempts(v.db, name, 0, 50));
    return out;
}

std::string sign_in_html(const std::string& base, const std::string& message) {
    return "<h1>Sign in</h1>" + (message.empty() ? std::string() : "<div class=\"banner bad\" role=\"alert\">" + html_escape(message) + "</div>") +
           "<form method=\"post\" action=\"" + html_escape(base + "/signin") + "\"><p><label for=\"token\">API token ([api] token or token_file)</label></p>"
           "<p><input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" required></p>"
           "<p><button type=\"submit\">Sign in</button></p></form>";
}

}  // namespace mj
