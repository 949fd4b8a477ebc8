// usage-threshold-check (BJ-11). The rules are in usage_threshold_check.h.
#include "jobs/usage_threshold_check.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/billing_cycle.h"
#include "core/user_data.h"
#include "delivery/notice_time.h"
#include "delivery/outbox.h"
#include "retention/batch_sizer.h"
#include "retention/purge_connection.h"

namespace mj {
namespace {

struct Settings {
    std::vector<int> thresholds;  // ascending
    std::set<int> mail;
    bool pace = true, pace_mail = true;
    int pace_after = 25;
};

std::vector<int> percents(const std::vector<std::string>& items) {
    std::vector<int> out;
    for (const auto& s : items) out.push_back(std::stoi(s));  // validated at load (config_relations.cpp)
    std::sort(out.begin(), out.end());
    return out;
}

struct Candidate {
    int64_t user_id = 0, quota = 0, used = 0;
    std::string email;
    BillingCycle cycle;
    std::vector<int> crossed;  // new ones, ascending
    bool pace = false;         // new pace warning
};

std::string human_bytes(int64_t b) {
    char buf[64];
    if (b >= 1000LL * 1000 * 1000) std::snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
    else if (b >= 1000 * 1000) std::snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
    else if (b >= 1000) std::snprintf(buf, sizeof buf, "%.1f kB", b / 1e3);
    else std::snprintf(buf, sizeof buf, "%lld bytes", static_cast<long long>(b));
    return buf;
}

std::string percent_of(int64_t used, int64_t quota) {
    if (quota <= 0) return "over 100";
    return std::to_string(static_cast<long long>(static_cast<__int128>(used) * 100 / quota));
}

// The one notice of a run for a user: subject and body (rendered now: nothing in it depends on
// the send time).
void compose(const Candidate& c, std::string* subject, std::string* body) {
    const std::string usage = human_bytes(c.used) + " of " + human_bytes(c.quota) + " (" + percent_of(c.used, c.quota) + " %)";
    const std::string resets = notice_time(c.cycle.end);
    if (!c.crossed.empty()) {
        const int t = c.crossed.back();
        *subject = t >= 100 ? "You have used your whole forwarding quota" : "You have used " + std::to_string(t) + " % of your forwarding quota";
        *body = "Your forwarded mail this billing cycle: " + usage + ".\n";
    } else {
        *subject = "At this pace you will use up your forwarding quota before the cycle ends";
        *body = "Your forwarded mail this billing cycle: " + usage + ".\n";
    }
    if (c.pace && !c.crossed.empty()) *body += "At the current pace you will pass your quota before the cycle ends.\n";
    if (c.pace && c.crossed.empty()) *body += "At the current pace you will pass it before the cycle ends.\n";
    *body += "The cycle ends and usage starts again from zero on " + resets + ".\n"
             "See your dashboard for details, or upgrade your plan for a larger quota.\n";
}

class Checker {
public:
    Checker(JobContext& ctx, Settings s, int64_t rolled_before)
        : ctx_(ctx), s_(std::move(s)), rolled_before_(rolled_before),
          usage_(ctx.db,
                 "SELECT (SELECT coalesce(sum(bytes_used), 0) FROM bandwidth_rollups WHERE user_id = ?1 AND period = 'day' "
                 "AND period_start >= ?2 AND period_start < ?3) + (SELECT coalesce(sum(bytes), 0) FROM bandwidth_usage "
                 "WHERE user_id = ?1 AND recorded_at >= CASE WHEN ?2 > ?3 THEN ?2 ELSE ?3 END AND recorded_at <= ?4)"),
          known_(ctx.db, "SELECT kind, threshold FROM usage_threshold_events WHERE user_id = ?1 AND cycle_start = ?2 AND quota_bytes = ?3") {}

    // The user's new crossings, or nullopt-like (no crossed and no pace) when nothing is new.
    Candidate evaluate(int64_t user_id, const std::string& email, int64_t quota, int anchor, std::optional<int64_t> start_at) {
        Candidate c;
        c.user_id = user_id;
        c.email = email;
        c.quota = quota;
        c.cycle = billing_cycle(ctx_.now, anchor, start_at);
        usage_.reset();
        usage_.bind_all(user_id, c.cycle.start, std::max(c.cycle.start, rolled_before_), ctx_.now);
        usage_.step();
        c.used = usage_.column(0).as_int64();
        usage_.reset();
        std::vector<int> crossed;
        for (int t : s_.thresholds)
            if (threshold_crossed(c.used, quota, t)) crossed.push_back(t);
        const bool pace = s_.pace && pace_over_quota(c.used, quota, c.cycle, ctx_.now, s_.pace_after);
        if (crossed.empty() && !pace) return c;
        std::set<int> have;
        bool have_pace = false;
        known_.reset();
        known_.bind_all(user_id, c.cycle.start, quota);
        while (known_.step()) {
            if (known_.column(0).as_text() == "pace") have_pace = true;
            else have.insert(static_cast<int>(known_.column(1).as_int64()));
        }
        known_.reset();
        for (int t : crossed)
            if (!have.count(t)) c.crossed.push_back(t);
        c.pace = pace && !have_pace;
        return c;
    }

    // Inside the batch transaction: records the candidate's events; the notification and notice
    // only when at least one event row was new (an overlapping run may have recorded them).
    void record(Candidate c) {
        Statement active(ctx_.db, std::string("SELECT count(*) FROM users u WHERE u.id = ?1 AND NOT ") + kUserInactiveSql);
        active.bind(1, c.user_id);
        active.step();
        if (active.column(0).as_int64() == 0) return;  // deleted or suspended meanwhile
        active.reset();
        Statement ins(ctx_.db,
                      "INSERT INTO usage_threshold_events(user_id, cycle_start, cycle_end, threshold, kind, used_bytes, "
                      "quota_bytes, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING");
        auto insert = [&](int t, const char* kind) {
            ins.reset();
            ins.bind_all(c.user_id, c.cycle.start, c.cycle.end, t, std::string(kind), c.used, c.quota, ctx_.now);
            return ins.exec() == 1;
        };
        std::vector<int> recorded;
        for (int t : c.crossed)
            if (insert(t, "crossed")) recorded.push_back(t);
        c.crossed = recorded;
        if (c.pace) c.pace = insert(100, "pace");
        if (c.crossed.empty() && !c.pace) return;
        ctx_.counts.add("usage_threshold_events", static_cast<int64_t>(c.crossed.size()) + (c.pace ? 1 : 0));
        ctx_.counts.changed += static_cast<int64_t>(c.crossed.size()) + (c.pace ? 1 : 0);
        std::string subject, body;
        compose(c, &subject, &body);
        Statement note(ctx_.db, "INSERT INTO notifications(user_id, type, title, body, link, created_at) "
                                "VALUES(?1, 'usage_threshold', ?2, ?3, NULL, ?4)");
        note.bind_all(c.user_id, subject, body, ctx_.now);
        ctx_.counts.add("notifications", note.exec());
        if (!mails(c)) return;
        Notice n;
        n.user_id = c.user_id;
        n.to_address = c.email;
        n.kind = "usage_threshold";
        n.subject = subject;
        n.body = body;
        const std::string key = std::to_string(c.user_id) + ":" + std::to_string(c.cycle.start) + ":" + std::to_string(c.quota);
        n.dedupe_key = c.crossed.empty() ? "usage_pace:" + key : "usage_threshold:" + key + ":" + std::to_string(c.crossed.back());
        if (queue_notice(ctx_.db, n, ctx_.now)) ctx_.counts.add("notification_outbox", 1);
    }

    // What a dry run counts for a candidate.
    void count_dry(const Candidate& c) {
        ctx_.counts.add("usage_threshold_events", static_cast<int64_t>(c.crossed.size()) + (c.pace ? 1 : 0));
        ctx_.counts.changed += static_cast<int64_t>(c.crossed.size()) + (c.pace ? 1 : 0);
        ctx_.counts.add("notifications", 1);
        if (mails(c)) ctx_.counts.add("notification_outbox", 1);
    }

private:
    bool mails(const Candidate& c) const {
        for (int t : c.crossed)
            if (s_.mail.count(t)) return true;
        return c.pace && s_.pace_mail;  // a new pace warning is mailed even beside a threshold that is not
    }

    JobContext& ctx_;
    Settings s_;
    int64_t rolled_before_;
    Statement usage_, known_;
};

Settings settings(JobContext& ctx) {
    Settings s;
    s.thresholds = percents(ctx.config.list(ctx.section(), "thresholds"));
    for (int t : percents(ctx.config.list(ctx.section(), "mail_thresholds"))) s.mail.insert(t);
    s.pace = ctx.cfg_bool("pace_warning");
    s.pace_mail = ctx.cfg_bool("pace_mail");
    s.pace_after = static_cast<int>(ctx.cfg_int("pace_after"));
    return s;
}

}  // namespace

Outcome usage_threshold_check(JobContext& ctx) {
    // Days before this are in the daily rollups (bandwidth-rollup's last complete pass); later
    // usage comes from raw rows. Never later than today: today is always read raw.
    int64_t complete = 0;
    {
        // Read as text and parsed here: JSON functions differ between the backends.
        Statement q = ctx.db.query("SELECT cursor FROM job_state WHERE job = 'bandwidth-rollup'");
        if (q.step()) {
            const nlohmann::json c = nlohmann::json::parse(q.column(0).as_text(), nullptr, false);
            if (c.is_object() && c.contains("complete_before") && c["complete_before"].is_number_integer())
                complete = c["complete_before"].get<int64_t>();
        }
    }
    Checker checker(ctx, settings(ctx), std::min(complete, utc_day_start(ctx.now)));
    // Users per batch adapt to ~12 ms of lock for the events and notices of the batch's crossings,
    // written as the purge engine's batches (batch_sizer.h, purge_connection.h): a fixed 1000 held
    // it 27 ms on a loaded host when a commit met an automatic checkpoint.
    BatchSizer sizer(BatchSizer::for_batch_size(ctx.cfg_int("batch_size"), ctx.db.max_transaction_us()));
    PurgeConnection connection(ctx.db);
    nlohmann::json cur = ctx.cursor();
    int64_t after = cur.value("after_user", int64_t{0});
    Statement users(ctx.db, std::string("SELECT u.id, u.email, u.quota_bytes, u.billing_anchor_day, u.billing_cycle_start_at "
                                        "FROM users u WHERE u.id > ?1 AND u.quota_bytes IS NOT NULL AND NOT ") +
                                kUserInactiveSql + " ORDER BY u.id LIMIT ?2");
    for (;;) {
        std::vector<Candidate> found;
        int64_t n = 0;
        const int64_t batch = sizer.size();
        users.reset();
        users.bind_all(after, batch);
        std::vector<std::tuple<int64_t, std::string, int64_t, int, std::optional<int64_t>>> rows;
        while (users.step()) {
            std::optional<int64_t> start_at;
            if (!users.column(4).is_null()) start_at = users.column(4).as_int64();
            rows.emplace_back(users.column(0).as_int64(), users.column(1).as_text(), users.column(2).as_int64(),
                              static_cast<int>(users.column(3).as_int64()), start_at);
        }
        users.reset();
        for (const auto& [id, email, quota, anchor, start_at] : rows) {
            Candidate c = checker.evaluate(id, email, quota, anchor, start_at);
            if (!c.crossed.empty() || c.pace) found.push_back(std::move(c));
            after = id;
            ++n;
        }
        ctx.counts.examined += n;
        ctx.counts.add("users_checked", n);
        const bool last = n < batch;
        nlohmann::json next = cur;
        if (last) next.erase("after_user");
        else next["after_user"] = after;
        const bool stop = !last && ctx.should_stop();
        if (ctx.dry_run) {
            for (const auto& c : found) checker.count_dry(c);
        } else if (!found.empty() || (next != cur && (last || stop))) {
            connection.write(ctx.db, [&] {
                for (auto& c : found) checker.record(c);
                if (last || stop) ctx.cursor_set_in_txn(next);
            });
            sizer.record(n, ctx.db.last_txn_us());
            if (last || stop) cur = next;
        }
        if (last) return Outcome::done;
        if (stop) return Outcome::more;
    }
}

}  // namespace mj
