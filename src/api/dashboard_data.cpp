#include "api/dashboard_data.h"

#include <algorithm>

#include "core/job_catalogue.h"
#include "core/log.h"  // format_utc
#include "core/queue_samples.h"

namespace mj {
namespace {

constexpr int64_t kDay = 86400;

int64_t first_day(int64_t now) { return (now - now % kDay) - (kChartDays - 1) * kDay; }

int day_of(int64_t at, int64_t now) {
    const int64_t d = (at - first_day(now)) / kDay;
    return at < first_day(now) || d >= kChartDays ? -1 : static_cast<int>(d);
}

bool is_cleanup(const std::string& job) {
    const JobDef* j = find_job(job);
    return j && std::string(j->group) == "cleanup";
}

nlohmann::json opt_int(const Column& c) { return c.is_null() ? nlohmann::json(nullptr) : nlohmann::json(c.as_int64()); }
nlohmann::json opt_text(const Column& c) { return c.is_null() ? nlohmann::json(nullptr) : nlohmann::json(c.as_text()); }

}  // namespace

std::vector<std::string> chart_day_labels(int64_t now) {
    std::vector<std::string> out;
    for (int i = 0; i < kChartDays; ++i) out.push_back(format_utc(first_day(now) + i * kDay, "%m-%d"));
    return out;
}

RunDays run_days(Db& db, int64_t now, const std::string& job) {
    RunDays out;
    out.purged.assign(kChartDays, 0);
    Statement q(db,
                "SELECT job, started_at, coalesce(duration_ms, 0), changed, dry_run FROM job_runs "
                "WHERE started_at >= ?1 AND (?2 = '' OR job = ?2)");
    q.bind(1, first_day(now));
    q.bind(2, job);
    std::map<std::string, bool> cleanup;
    while (q.step()) {
        const int d = day_of(q.column(1).as_int64(), now);
        if (d < 0) continue;
        const std::string name = q.column(0).as_text();
        auto& days = out.longest_ms[name];
        if (days.empty()) days.assign(kChartDays, 0);
        days[d] = std::max(days[d], static_cast<double>(q.column(2).as_int64()));
        auto c = cleanup.find(name);
        if (c == cleanup.end()) c = cleanup.emplace(name, is_cleanup(name)).first;
        if (c->second && q.column(4).as_int() == 0) out.purged[d] += static_cast<double>(q.column(3).as_int64());
    }
    return out;
}

SendDays send_days(Db& db, int64_t now) {
    SendDays out;
    out.mail_sent.assign(kChartDays, 0);
    out.mail_failed = out.webhooks_sent = out.webhooks_failed = out.mail_sent;
    Statement q(db,
                "SELECT job, created_at, error IS NULL FROM job_attempts WHERE created_at >= ? "
                "AND job IN ('forward-retry', 'notification-delivery', 'webhook-retry')");
    q.bind(1, first_day(now));
    while (q.step()) {
        const int d = day_of(q.column(1).as_int64(), now);
        if (d < 0) continue;
        const bool hook = q.column(0).as_text() == "webhook-retry", ok = q.column(2).as_int() != 0;
        (hook ? (ok ? out.webhooks_sent : out.webhooks_failed) : (ok ? out.mail_sent : out.mail_failed))[d] += 1;
    }
    return out;
}

Chart queue_depth_chart(Db& db, int64_t now) {
    constexpr int kSlots = kChartDays * 6;
    constexpr int64_t kSlot = 4 * 3600;
    const int64_t start = now - kSlots * kSlot;
    Chart c;
    c.kind = Chart::Kind::lines;
    c.title = "Queue depth (pending), 14 days";
    c.unit = "rows";
    for (int i = 0; i < kSlots; ++i) c.x_labels.push_back(format_utc(start + i * kSlot, "%m-%d %H:00"));
    std::map<std::string, std::vector<double>> by_queue;
    for (const auto& s : queue_samples_since(db, start)) {
        auto& v = by_queue[s.queue];
        if (v.empty()) v.assign(kSlots, 0);
        const int64_t i = std::min<int64_t>(kSlots - 1, (s.at - start) / kSlot);
        v[static_cast<size_t>(i)] = std::max(v[static_cast<size_t>(i)], static_cast<double>(s.pending));
    }
    for (auto& [name, values] : by_queue) c.series.push_back({name, values});
    return c;
}

nlohmann::json account_tables(Db& db, int limit) {
    nlohmann::json out = {{"exports", nlohmann::json::array()}, {"deletions", nlohmann::json::array()}, {"dns_checks", nlohmann::json::array()}};
    Statement e(db,
                "SELECT id, user_id, status, format, size_bytes, attempts, downloads, error, requested_at, expires_at "
                "FROM exports ORDER BY id DESC LIMIT ?");
    e.bind(1, limit);
    while (e.step())
        out["exports"].push_back({{"id", e.column(0).as_int64()}, {"user_id", e.column(1).as_int64()}, {"status", e.column(2).as_text()},
                                  {"format", e.column(3).as_text()}, {"size_bytes", opt_int(e.column(4))},
                                  {"attempts", e.column(5).as_int64()}, {"downloads", e.column(6).as_int64()},
                                  {"error", opt_text(e.column(7))}, {"requested_at", e.column(8).as_int64()},
                                  {"expires_at", opt_int(e.column(9))}});
    Statement d(db,
                "SELECT id, user_id, status, requested_at, started_at, completed_at, counts FROM account_deletions "
                "ORDER BY id DESC LIMIT ?");
    d.bind(1, limit);
    while (d.step()) {
        auto counts = nlohmann::json::parse(d.column(6).as_text(), nullptr, false);
        int64_t rows = 0;
        if (counts.is_object())
            for (const auto& v : counts)
                if (v.is_number_integer()) rows += v.get<int64_t>();
        out["deletions"].push_back({{"id", d.column(0).as_int64()}, {"user_id", d.column(1).as_int64()}, {"status", d.column(2).as_text()},
                                    {"requested_at", d.column(3).as_int64()}, {"started_at", d.column(4).as_int64()},
                                    {"completed_at", opt_int(d.column(5))}, {"rows", rows}});
    }
    Statement c(db,
                "SELECT c.id, d.name, c.result, c.status, c.detail, c.checked_at FROM dns_checks c "
                "LEFT JOIN domains d ON d.id = c.domain_id ORDER BY c.id DESC LIMIT ?");
    c.bind(1, limit);
    while (c.step())
        out["dns_checks"].push_back({{"id", c.column(0).as_int64()}, {"domain", opt_text(c.column(1))}, {"result", c.column(2).as_text()},
                                     {"status", opt_text(c.column(3))}, {"detail", opt_text(c.column(4))},
                                     {"checked_at", c.column(5).as_int64()}});
    return out;
}

}  // namespace mj
