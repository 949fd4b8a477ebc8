// webhook-retry (BJ-15). Per due delivery_log row: claim it (own short transaction), POST the
// payload signed with its webhook's secret (no transaction open), then write the result and the
// job_attempts row together (one short transaction). Transient failures are retried after the
// delays of [job.webhook-retry] retry_schedule (default 1m, 5m, 30m, 2h: five attempts in all);
// permanent failures and the failure of the last attempt end as permanently_failed.
// A deleted or disabled webhook ends its queued rows as permanently_failed without a POST.
// A receiver that does not answer at all (refused, unreachable, timeout) gets one attempt per run;
// its other due rows are deferred by the first wait, unattempted (counts: deferred).
// A POST starts only when [http] timeout fits in the run's remaining budget (issue 12.1): shrinking
// the timeout to the budget instead would fail a slow receiver's attempt that a full run would
// have delivered. A timeout after the POST went out is an unknown outcome; the retry carries the
// same X-Mailjobs-Delivery id, so the receiver can drop the copy.
// Dry-run counts the due rows and sends nothing.
// A delivery of a user who is soft-deleted (deleted_at set) or not active waits, unclaimed and
// unattempted, until the account is active again (BJ-18; claim.h); counts: waiting_user_inactive.
#include "jobs/webhook_retry.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

#include "core/lease.h"
#include "delivery/attempts.h"
#include "delivery/http.h"
#include "delivery/retry_schedule.h"
#include "delivery/webhook_queue.h"
#include "delivery/webhook_sign.h"

namespace mj {
namespace {

// "host:port" part of an http(s) URL, lower-cased ("" if there is none).
std::string url_host(const std::string& url) {
    auto start = url.find("://");
    if (start == std::string::npos) return "";
    start += 3;
    auto end = url.find_first_of("/?#", start);
    std::string host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return host;
}

// The webhook_url of row `id` (read before claiming, to skip hosts that are down in this run).
std::string url_of(Db& db, int64_t id) {
    Statement q(db, "SELECT webhook_url FROM delivery_log WHERE id = ?");
    q.bind(1, id);
    return q.step() ? q.column(0).as_text() : "";
}

struct Run {
    explicit Run(JobContext& c) : ctx(c) {}
    JobContext& ctx;
    std::vector<int64_t> schedule;
    HttpRequest http;
    std::string owner;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    int64_t final_failures = 0;
    std::string last_final_error;
    // Hosts that did not answer at all in this run (refused, unreachable, timed out). Their other
    // due rows are deferred by the first wait of the schedule, without an attempt, instead of each
    // spending a full timeout: one dead receiver with a long queue must not eat the budget the
    // other receivers and jobs need. Each run still makes one real attempt per such host.
    std::set<std::string> dead_hosts;

    // The job's clock, advancing with real time during the run (--now moves only its start), so
    // claims and retry times made late in a long run are not already in the past.
    int64_t now() const {
        return ctx.now + std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
    }

    // Writes the outcome of one claimed row (and its attempt, if one was made) in one transaction.
    void finish(const WebhookDelivery& d, const DeliveryUpdate& u, const std::optional<Attempt>& attempt) {
        bool kept = false;
        // Protected by this row's claim (claimed_by = owner), not the job lease: the outcome of a send is
        // recorded even after `unlock --force` (db.h), or the message would be sent again.
        ctx.db.write([&] {
            kept = finish_delivery_in_txn(ctx.db, d.id, owner, u);
            if (attempt) record_attempt_in_txn(ctx.db, *attempt);
        }, Db::Checks::bound_only, Db::Lock::rows);
        if (!kept) ctx.warn("claim_lost", {{"delivery", d.uuid}, {"id", d.id}});
        ctx.counts.changed += kept ? 1 : 0;
        ctx.counts.add(u.status == "failed" ? "retry_scheduled" : u.status, 1);
        if (u.status == "permanently_failed") {
            ++final_failures;
            last_final_error = "delivery " + std::to_string(d.id) + " (" + d.uuid + "): " + u.error;
        }
    }

    // A row whose webhook is gone or switched off: no POST, no attempt, final.
    void cancel(const WebhookDelivery& d, const std::string& why) {
        ctx.info("webhook_cancelled", {{"delivery", d.uuid}, {"id", d.id}, {"reason", why}});
        DeliveryUpdate u{"permanently_failed", d.attempts, std::nullopt, why, std::nullopt, now()};
        ctx.counts.add("cancelled", 1);
        finish(d, u, std::nullopt);
    }

    void deliver(const WebhookDelivery& d) {
        if (!d.webhook_id) return cancel(d, "webhook was deleted; not retried");
        if (!d.webhook_active) return cancel(d, "webhook is disabled (webhooks.active = 0); not retried");
        int64_t attempt_no = d.attempts + 1;
        HttpRequest req = http;
        req.url = d.url;
        req.body = d.payload;
        // The signature carries the real send time: receivers compare it with their own clock.
        req.headers = webhook_headers(d.secret, wall_now(), d.payload, d.uuid, static_cast<int>(attempt_no));
        HttpResponse res;
        if (std::string problem = http_url_problem(d.url); !problem.empty()) {
            res.status = SendStatus::permanent;  // recorded as an attempt that could not be made
            res.error = problem;
        } else {
            res = http_send(req);
            ctx.counts.add("posted", 1);
            if (res.unreachable) dead_hosts.insert(url_host(d.url));
        }

        int64_t at = now();
        DeliveryUpdate u;
        u.attempts = attempt_no;
        u.now = at;
        if (res.code) u.status_code = res.code;
        u.error = res.error;
        if (res.status == SendStatus::ok) {
            u.status = "delivered";
        } else if (res.status == SendStatus::transient) {
            if (auto delay = retry_delay(schedule, attempt_no)) {
                u.status = "failed";
                u.next_retry_at = at + *delay;
            } else {
                u.status = "permanently_failed";
                u.error = "gave up after " + std::to_string(attempt_no) + " attempts: " + res.error;
            }
        } else {
            u.status = "permanently_failed";
        }
        Attempt a;
        a.run_id = ctx.run_id;
        a.job = ctx.job;
        a.item_table = "delivery_log";
        a.item_id = d.id;
        a.attempt = attempt_no;
        a.status_code = u.status_code;
        a.error = res.error;
        a.duration_ms = res.duration_ms;
        a.next_retry_at = u.next_retry_at;
        a.created_at = at;
        ctx.info("webhook_attempt", {{"delivery", d.uuid}, {"id", d.id}, {"attempt", attempt_no}, {"status_code", res.code},
                                     {"result", u.status}, {"error", res.error}, {"duration_ms", res.duration_ms},
                                     {"next_retry_at", u.next_retry_at ? nlohmann::json(*u.next_retry_at) : nlohmann::json(nullptr)}});
        finish(d, u, a);
    }
};

}  // namespace

Outcome webhook_retry(JobContext& ctx) {
    Run run(ctx);
    run.schedule = parse_retry_schedule(ctx.config.list(ctx.section(), "retry_schedule"), "[" + ctx.section() + "] retry_schedule");
    run.http = http_request_from_config(ctx.config);
    run.http.allow_private_addresses = ctx.config.boolean("http", "allow_private_addresses");  // user-chosen URLs
    run.owner = ctx.lease ? ctx.lease->owner() : Lease::make_owner_token();
    // Deliveries of soft-deleted or suspended users wait (BJ-18, claim.h); counted the same in a dry run.
    ctx.counts.add("waiting_user_inactive", count_waiting_user_inactive_deliveries(ctx.db, ctx.now));
    if (ctx.dry_run) {
        int64_t due = count_due_deliveries(ctx.db, ctx.now);
        ctx.counts.examined = due;
        ctx.counts.changed = due;
        ctx.counts.add("would_post", due);
        return Outcome::done;
    }
    // A claim outlives the longest POST, so nobody takes a row over while we still wait for it.
    const int64_t claim_ttl = run.http.timeout_ms / 1000 + 60;
    const int batch = static_cast<int>(std::max<int64_t>(1, ctx.cfg_int("batch_size")));
    auto stop = [&](Outcome o) {
        if (run.final_failures)
            ctx.note = std::to_string(run.final_failures) + " permanently failed; last: " + run.last_final_error;
        return o;
    };
    while (true) {
        if (ctx.should_stop()) return stop(Outcome::more);
        auto ids = due_deliveries(ctx.db, run.now(), batch);
        int64_t progress = 0;
        std::vector<int64_t> defer;
        bool out_of_budget = false;
        for (int64_t id : ids) {
            if (ctx.should_stop()) break;
            if (ctx.remaining_ms() < run.http.timeout_ms) { out_of_budget = true; break; }
            if (!run.dead_hosts.empty() && run.dead_hosts.count(url_host(url_of(ctx.db, id)))) {
                defer.push_back(id);
                continue;
            }
            int64_t at = run.now();
            auto d = claim_delivery(ctx.db, id, run.owner, at, at + claim_ttl);
            if (!d) continue;  // another process took it, or the application changed it meanwhile
            ++ctx.counts.examined;
            ++progress;
            run.deliver(*d);
        }
        int64_t deferred = defer_deliveries(ctx.db, defer, run.now(), run.now() + run.schedule.front());
        ctx.counts.add("deferred", deferred);
        progress += deferred;
        if (ctx.should_stop()) return stop(Outcome::more);
        if (out_of_budget) {
            ctx.note = "budget reached: less than [http] timeout (" + std::to_string(run.http.timeout_ms / 1000) +
                       "s) left for the next POST; the rest waits for the next run";
            return stop(Outcome::more);
        }
        // A short batch was the last one; a batch without progress (every row taken by another
        // process meanwhile) would only be read again.
        if (static_cast<int>(ids.size()) < batch || progress == 0) break;
    }
    return stop(Outcome::done);
}

}  // namespace mj
