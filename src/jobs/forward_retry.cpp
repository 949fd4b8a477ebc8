// forward-retry (BJ-03). failed_emails rows hold the message (inline or a spool file), the first
// failure time and the attempts made. Retries are due at [job.forward-retry] retry_schedule
// (default 1h, 6h, 24h, 48h) after the FIRST failure, so a late run does not push the later
// retries back; a retry is never due again within the run that made the one before.
//
// Per batch: one short transaction claims up to batch_size due rows (claim.h). Then, per row and
// outside any transaction: load the message, send it through the [mail] transport (one connection
// for the whole run), and write the result with its job_attempts row in one short transaction:
//   sent                        -> delivered, plus a message_logs row
//   transient, schedule left    -> attempts + 1, next_attempt_at from the schedule, last_error
//   permanent, or schedule used -> failed (final) and exactly one notice to the user in the outbox
//                                  (dedupe key forward_failed:<id>); the message stays until
//                                  failed-email-expiry purges it
// A transport that is down (connection refused, TLS, login, sendmail missing) ends the run as
// failed after that one try, which is not counted as an attempt of the message (issue 12.2: a
// night-long relay outage must not use up the retries and fail mail for good): the row stays
// pending and due with its attempts unchanged, the other claimed rows go back untouched, and the
// failed run feeds the operator alert. A timeout after the whole message was handed over is an
// unknown outcome (it may have been delivered): it counts as an attempt and the retry sends the
// same bytes, so the original Message-ID lets the receiver drop a copy (issue 12.1). A send starts
// only when [mail] timeout fits in the run's remaining budget. Dry-run lists what would be sent
// and claims nothing. The mail of a user who is soft-deleted (deleted_at set) or not active waits,
// unclaimed and unattempted, until the account is active again (BJ-18; claim.h); counts:
// waiting_user_inactive.
#include "jobs/forward_retry.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "core/duration.h"
#include "core/lease.h"
#include "delivery/attempts.h"
#include "delivery/claim.h"
#include "delivery/mail.h"
#include "delivery/mail_message.h"
#include "delivery/outbox.h"
#include "delivery/retry_schedule.h"
#include "jobs/spool_files.h"

namespace mj {
namespace {

const QueueSpec kQueue{"failed_emails", "pending", "sending", "next_attempt_at"};

struct FailedEmail {
    int64_t id = 0, user_id = 0, size_bytes = 0, first_failed_at = 0, attempts = 0;
    std::optional<int64_t> alias_id;
    std::string message_id, mail_from, rcpt_to, spool_path;
    std::string raw;
    bool has_raw = false;
};

struct Run {
    explicit Run(JobContext& c) : ctx(c) {}
    JobContext& ctx;
    std::vector<int64_t> schedule;  // offsets from first_failed_at
    std::string owner;
    std::string spool_dir;
    std::unique_ptr<MailTransport> transport;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    // The job's clock advancing with real time (--now moves only the start): claim expiries and
    // attempt times late in a long run are not in the past.
    int64_t now() const {
        return ctx.now + std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
    }

    std::optional<FailedEmail> load(int64_t id) {
        Statement q(ctx.db,
                    "SELECT id, user_id, alias_id, coalesce(message_id,''), mail_from, rcpt_to, raw_message, "
                    "coalesce(spool_path,''), size_bytes, first_failed_at, attempts FROM failed_emails "
                    "WHERE id = ? AND claimed_by = ?");
        q.bind(1, id);
        q.bind(2, owner);
        if (!q.step()) return std::nullopt;
        FailedEmail f;
        f.id = q.column(0).as_int64();
        f.user_id = q.column(1).as_int64();
        if (!q.column(2).is_null()) f.alias_id = q.column(2).as_int64();
        f.message_id = q.column(3).as_text();
        f.mail_from = q.column(4).as_text();
        f.rcpt_to = q.column(5).as_text();
        f.has_raw = !q.column(6).is_null();
        if (f.has_raw) f.raw = q.column(6).as_text();
        f.spool_path = q.column(7).as_text();
        f.size_bytes = q.column(8).as_int64();
        f.first_failed_at = q.column(9).as_int64();
        f.attempts = q.column(10).as_int64();
        return f;
    }

    // The message text, or a permanent failure when its spool file is gone or unreadable.
    std::optional<SendResult> read_spool(FailedEmail& f) {
        if (f.has_raw) return std::nullopt;
        // Only a file inside spool_dir is ever sent (spool_files.h): an absolute or "../" spool_path
        // written into the table would otherwise mail any file this process can read to rcpt_to.
        const std::string shown = f.spool_path[0] == '/' ? f.spool_path : spool_dir + "/" + f.spool_path;
        SpoolPath sp = resolve_spool_path(spool_dir, f.spool_path);
        if (sp.refused)
            return SendResult{SendStatus::permanent, 0, "spool file " + shown + " refused: " + sp.refused + " (spool_dir " + spool_dir + ")"};
        int fd = sp.missing ? -1 : ::open(sp.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return SendResult{SendStatus::permanent, 0, "spool file " + shown + " cannot be read"};
        std::string data;
        char buf[65536];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) data.append(buf, static_cast<size_t>(n));
        ::close(fd);
        if (n < 0) return SendResult{SendStatus::permanent, 0, "spool file " + shown + " cannot be read"};
        f.raw = std::move(data);
        return std::nullopt;
    }

    std::string notice_body(const FailedEmail& f, const std::string& alias, const SendResult& r, int64_t attempt) {
        std::string subject = header_value(f.raw, "Subject"), from = header_value(f.raw, "From");
        std::string keep;
        if (ctx.config.has("job.failed-email-expiry", "older_than"))
            keep = "It is kept for " + format_duration(ctx.config.duration("job.failed-email-expiry", "older_than")) +
                   " after the first failure, then deleted.\n";
        return "Hello,\n\nA message that arrived for " + (alias.empty() ? std::string("one of your aliases") : alias) +
               " could not be forwarded to " + f.rcpt_to + ". We have stopped trying.\n\n" +
               "  From:          " + (from.empty() ? (f.mail_from.empty() ? "(no sender)" : f.mail_from) : from) + "\n" +
               "  Subject:       " + (subject.empty() ? "(none)" : subject) + "\n" +
               "  First failure: " + iso_time(f.first_failed_at) + "\n" +
               "  Attempts:      " + std::to_string(attempt) + " retries\n" +
               "  Last error:    " + r.error + "\n\n" + keep +
               "Please check that " + f.rcpt_to + " can receive mail, or change the destination of the alias.\n";
    }

    void queue_final_notice(const FailedEmail& f, const SendResult& r, int64_t attempt, int64_t t) {
        Statement u(ctx.db, "SELECT u.email, coalesce(a.address, '') FROM users u "
                            "LEFT JOIN aliases a ON a.id = ? WHERE u.id = ?");
        if (f.alias_id) u.bind(1, *f.alias_id); else u.bind(1);
        u.bind(2, f.user_id);
        if (!u.step()) return;
        Notice n;
        n.user_id = f.user_id;
        n.to_address = u.column(0).as_text();
        std::string alias = u.column(1).as_text();
        n.kind = "forward_failed";
        n.subject = "Undelivered: a message could not be forwarded to " + f.rcpt_to;
        n.body = notice_body(f, alias, r, attempt);
        n.dedupe_key = "forward_failed:" + std::to_string(f.id);
        bool added = queue_notice(ctx.db, n, t);
        Statement m(ctx.db, "UPDATE failed_emails SET final_notice_queued_at = ? WHERE id = ? AND final_notice_queued_at IS NULL");
        m.bind(1, t);
        m.bind(2, f.id);
        m.exec();
        ctx.counts.add("notices_queued", added ? 1 : 0);
    }

    // One short transaction: the row's new state, its attempt, and what follows from it.
    void record(const FailedEmail& f, const SendResult& r) {
        if (r.transport_down) return record_transport_down(f, r);
        int64_t t = now(), attempt = f.attempts + 1;
        std::optional<int64_t> next;
        std::string outcome = "delivered";
        if (r.status == SendStatus::transient && attempt < static_cast<int64_t>(schedule.size())) {
            // Never due again in this run (due checks use the run's start clock ctx.now).
            next = std::max(f.first_failed_at + schedule[static_cast<size_t>(attempt)], ctx.now + 1);
            outcome = "retry_scheduled";
        } else if (r.status != SendStatus::ok) {
            outcome = "failed";
        }
        bool kept = false;
        // Protected by this row's claim (claimed_by = owner), not the job lease: the outcome of a send is
        // recorded even after `unlock --force` (db.h), or the message would be sent again.
        ctx.db.write([&] {
            Statement q(ctx.db,
                        "UPDATE failed_emails SET status = ?1, attempts = ?2, next_attempt_at = ?3, last_attempt_at = ?4, "
                        "last_error = ?5, last_status_code = ?6, delivered_at = ?7, failed_at = ?8, "
                        "claimed_by = NULL, claim_expires_at = NULL WHERE id = ?9 AND claimed_by = ?10");
            q.bind(1, outcome == "delivered" ? "delivered" : outcome == "failed" ? "failed" : "pending");
            q.bind(2, attempt);
            if (next) q.bind(3, *next); else q.bind(3);
            q.bind(4, t);
            if (r.error.empty()) q.bind(5); else q.bind(5, r.error);
            if (r.code) q.bind(6, r.code); else q.bind(6);
            if (outcome == "delivered") q.bind(7, t); else q.bind(7);
            if (outcome == "failed") q.bind(8, t); else q.bind(8);
            q.bind(9, f.id);
            q.bind(10, owner);
            kept = q.exec() == 1;
            if (!kept) return;  // claim lost: the row belongs to whoever took it over
            Attempt a;
            a.run_id = ctx.run_id;
            a.job = ctx.job;
            a.item_table = "failed_emails";
            a.item_id = f.id;
            a.attempt = attempt;
            if (r.code) a.status_code = r.code;
            a.error = r.error;
            a.duration_ms = r.duration_ms;
            a.next_retry_at = next;
            a.created_at = t;
            record_attempt_in_txn(ctx.db, a);
            if (outcome == "delivered") {
                Statement l(ctx.db,
                            "INSERT INTO message_logs(user_id, alias_id, message_id, mail_from, rcpt_to, direction, outcome, "
                            "bytes, created_at) VALUES(?, ?, ?, ?, ?, 'inbound', 'delivered', ?, ?)");
                l.bind(1, f.user_id);
                if (f.alias_id) l.bind(2, *f.alias_id); else l.bind(2);
                if (f.message_id.empty()) l.bind(3); else l.bind(3, f.message_id);
                l.bind(4, f.mail_from);
                l.bind(5, f.rcpt_to);
                l.bind(6, static_cast<int64_t>(f.raw.size()));
                l.bind(7, t);
                l.exec();
            } else if (outcome == "failed") {
                queue_final_notice(f, r, attempt, t);
            }
        }, Db::Checks::bound_only);
        nlohmann::json fields = {{"id", f.id}, {"outcome", kept ? outcome : "claim_lost"}, {"attempt", attempt},
                                 {"code", r.code}, {"duration_ms", r.duration_ms}};
        if (!r.error.empty()) fields["error"] = r.error;
        if (next) fields["next_attempt_at"] = iso_time(*next);
        if (!kept) ctx.warn("message", fields);
        else if (outcome == "failed") ctx.warn("message", fields);
        else ctx.info("message", fields);
        if (!kept) return;
        ctx.counts.changed += 1;
        ctx.counts.add(outcome, 1);
        if (r.outcome_unknown) ctx.counts.add("outcome_unknown", 1);
    }

    // The transport said nothing about this message: back to pending, still due, attempts
    // unchanged; the try is kept in job_attempts (and last_error) so the outage is visible.
    void record_transport_down(const FailedEmail& f, const SendResult& r) {
        int64_t t = now();
        bool kept = false;
        // Protected by this row's claim (claimed_by = owner), not the job lease: the outcome of a send is
        // recorded even after `unlock --force` (db.h), or the message would be sent again.
        ctx.db.write([&] {
            Statement q(ctx.db, "UPDATE failed_emails SET status = 'pending', last_attempt_at = ?1, last_error = ?2, "
                                "claimed_by = NULL, claim_expires_at = NULL WHERE id = ?3 AND claimed_by = ?4");
            q.bind(1, t);
            q.bind(2, r.error);
            q.bind(3, f.id);
            q.bind(4, owner);
            kept = q.exec() == 1;
            if (!kept) return;
            Attempt a;
            a.run_id = ctx.run_id;
            a.job = ctx.job;
            a.item_table = "failed_emails";
            a.item_id = f.id;
            a.attempt = f.attempts + 1;
            if (r.code) a.status_code = r.code;
            a.error = r.error + " (transport down: not counted as an attempt)";
            a.duration_ms = r.duration_ms;
            a.next_retry_at = t;  // due again on the next run
            a.created_at = t;
            record_attempt_in_txn(ctx.db, a);
        }, Db::Checks::bound_only);
        ctx.warn("message", {{"id", f.id}, {"outcome", kept ? "transport_down" : "claim_lost"}, {"attempt", f.attempts + 1},
                             {"code", r.code}, {"duration_ms", r.duration_ms}, {"error", r.error}});
        if (kept) ctx.counts.add("transport_down", 1);
    }

    // A claim must outlive the slowest send: at least twice [mail] timeout plus a minute. A batch
    // stops sending (and gives the rest back) once half the claim is used, so no row is sent on
    // a claim that may already have expired.
    int64_t claim_ttl() const {
        return std::max(ctx.cfg_duration("claim_ttl"), 2 * ctx.config.duration("mail", "timeout") + 60);
    }

    void release(const std::vector<int64_t>& ids) {
        if (ids.empty()) return;
        // Our own claims only (claimed_by = owner), so not refused after `unlock --force` (db.h):
        // handing them back lets the next run send them at once.
        ctx.db.write([&] { release_rows(ctx.db, kQueue, ids, owner); }, Db::Checks::bound_only);
    }

    // A send may take up to [mail] timeout; one that could outlast the budget is left for the next run.
    Outcome budget_left_too_short() {
        ctx.note = "budget reached: less than [mail] timeout (" + std::to_string(transport->timeout_s()) +
                   "s) left for the next message; the rest waits for the next run";
        return Outcome::more;
    }

    Outcome dry_run() {
        auto ids = claimable(ctx.db, kQueue, ctx.now, 1000000000);
        for (int64_t id : ids) {
            Statement q(ctx.db, "SELECT rcpt_to, attempts, size_bytes FROM failed_emails WHERE id = ?");
            q.bind(1, id);
            if (!q.step()) continue;
            ctx.info("would_send", {{"id", id}, {"rcpt_to", q.column(0).as_text()},
                                    {"attempt", q.column(1).as_int64() + 1}, {"bytes", q.column(2).as_int64()}});
        }
        ctx.counts.examined = static_cast<int64_t>(ids.size());
        ctx.counts.add("would_send", ctx.counts.examined);
        return Outcome::done;
    }

    Outcome run() {
        int64_t batch = std::max<int64_t>(1, ctx.cfg_int("batch_size")), ttl = claim_ttl();
        while (true) {
            if (ctx.should_stop()) return Outcome::more;
            // Too little budget left for one more send: `more` only if something is waiting, so an
            // empty queue ends `done` and does not ask the tick for another turn (due.h).
            if (!transport->fits_in_budget())
                return claimable(ctx.db, kQueue, ctx.now, 1).empty() ? Outcome::done : budget_left_too_short();
            std::vector<int64_t> claimed;
            int64_t t = now();  // claim time
            ctx.db.write([&] {
                for (int64_t id : claimable(ctx.db, kQueue, ctx.now, batch))
                    if (claim_row(ctx.db, kQueue, id, owner, ctx.now, ttl + (t - ctx.now))) claimed.push_back(id);
            }, Db::Checks::all, Db::Lock::rows);  // parallel runs claim side by side (core/db.h)
            if (claimed.empty()) return Outcome::done;
            ctx.counts.examined += static_cast<int64_t>(claimed.size());
            BatchEnd end = work_claimed(
                claimed, [&] { return ctx.should_stop() || !transport->fits_in_budget(); }, [&] { return now() - t > ttl / 2; },
                [&](const std::vector<int64_t>& ids) { release(ids); },
                [&](int64_t id) {
                    auto f = load(id);
                    if (!f) return Step::next;
                    SendResult r;
                    if (auto bad = read_spool(*f)) r = *bad;
                    else r = transport->send(MailMessage{f->mail_from, {f->rcpt_to}, f->raw, false});
                    record(*f, r);
                    if (r.outcome_unknown) {  // a server this slow would cost every next message a timeout too
                        ctx.note = "mail server did not answer in time: " + r.error;
                        return Step::fail_after;
                    }
                    if (!r.transport_down) return Step::next;
                    ctx.note = "mail transport unavailable: " + r.error + " (the mail waits; attempts not counted)";
                    return Step::fail_after;
                });
            if (end == BatchEnd::stopped) return ctx.should_stop() ? Outcome::more : budget_left_too_short();
            if (end == BatchEnd::failed) return Outcome::failed;
        }
    }
};

}  // namespace

Outcome forward_retry(JobContext& ctx) {
    Run run(ctx);
    run.schedule = parse_retry_schedule(ctx.config.list(ctx.section(), "retry_schedule"), "[job.forward-retry] retry_schedule");
    // Mail of soft-deleted or suspended users waits (BJ-18, claim.h); counted the same in a dry run.
    ctx.counts.add("waiting_user_inactive", count_waiting_user_inactive(ctx.db, kQueue, ctx.now));
    if (ctx.dry_run) return run.dry_run();
    run.owner = ctx.lease ? ctx.lease->owner() : Lease::make_owner_token();
    run.spool_dir = ctx.config.path(ctx.section(), "spool_dir");
    run.transport = MailTransport::from_config(ctx.config);
    run.transport->set_deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(ctx.remaining_ms()));
    Outcome o = run.run();
    run.transport->close();
    return o;
}

}  // namespace mj
