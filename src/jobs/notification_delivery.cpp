// notification-delivery (BJ-21). Sends queued notification_outbox rows in batches through the
// [mail] transport (one connection for the whole run).
//
// Hourly cap: send_quota holds one row per clock hour of the job's clock with the number of
// e-mails sent (or about to be). The claim transaction reads the current window, claims at most
// `hourly_cap - sent` e-mails and adds them to the window in the same commit, so two processes
// can never both see room for the last slot. A failed send gives its slot back; a run killed
// holding claims keeps them counted (the cap errs on the safe side).
//
// Each notice goes once: the dedupe_key makes queueing it twice impossible, the claim keeps two
// runs off one row, and its status moves queued -> sending -> sent|queued (retry)|failed in short
// transactions. Transient failures wait [job.notification-delivery] retry_schedule (backoff per
// attempt); after the last one, or on a permanent failure, the notice is failed. A transport that
// is down (SendResult.transport_down) is not an attempt of the notice: it stays queued, due, with
// its attempts unchanged, and the run fails (so the operator alert fires); after any outage each
// notice still gets its real attempts (issue 12.2).
//
// Message-ID (issue 12.1): fixed in notification_outbox.message_id when the notice is first
// claimed and sent with every attempt, so after an unknown outcome (timeout once the message was
// handed over) a retry is recognisably the same e-mail. An unknown outcome counts as an attempt
// and keeps its hourly-cap slot (the e-mail may have gone out).
//
// Budget: a send starts only when [mail] timeout fits in the run's remaining time.
//
// Access revocation (BJ-18): a notice to a user who is soft-deleted (deleted_at set) or not active
// waits, unclaimed, unattempted, outside the hourly cap, until the account is active again
// (claim.h); counts: waiting_user_inactive. Operator mail (user_id NULL) always goes.
//
// Digest (digest = true): the due notices of one user from one persona are folded into one
// e-mail: a new row of kind 'digest' is claimed in their place and they become 'digested' with
// digest_id pointing at it, in the same claim transaction. A digest holds only as many notices as
// fit in [mail] max_message_bytes (the rest make the next digest); a digest that fails for good
// gives its notices back: they become queued again, keep digest_id (so they are never folded
// again) and go out on their own (issue 12.4: a failed digest lost every notice folded into it).
#include "jobs/notification_delivery.h"

#include <algorithm>
#include <chrono>

#include "core/lease.h"
#include "delivery/notice_time.h"
#include "delivery/attempts.h"
#include "delivery/claim.h"
#include "delivery/mail.h"
#include "delivery/mail_message.h"
#include "delivery/mail_persona.h"
#include "delivery/retry_schedule.h"

namespace mj {
namespace {

const QueueSpec kQueue{"notification_outbox", "queued", "sending", "next_attempt_at"};

struct OutboxRow {
    int64_t id = 0, attempts = 0, digest_id = 0;  // digest_id 0: never folded
    std::optional<int64_t> user_id;
    std::string to_address, persona, from_name, kind, subject, body, body_html, message_id;
};

OutboxRow read_row(Statement& q) {
    OutboxRow r;
    r.id = q.column(0).as_int64();
    if (!q.column(1).is_null()) r.user_id = q.column(1).as_int64();
    r.to_address = q.column(2).as_text();
    r.persona = q.column(3).as_text();
    r.from_name = q.column(4).as_text();
    r.kind = q.column(5).as_text();
    r.subject = q.column(6).as_text();
    r.body = q.column(7).as_text();
    r.body_html = q.column(8).as_text();
    r.attempts = q.column(9).as_int64();
    r.message_id = q.column(10).as_text();
    r.digest_id = q.column(11).as_int64();
    return r;
}

const char* kColumns = "id, user_id, to_address, persona, coalesce(from_name,''), kind, subject, body, coalesce(body_html,''), attempts, "
                       "coalesce(message_id,''), coalesce(digest_id, 0)";

// Quota windows follow the job's clock, so --now replays and tests see the hours they name.
int64_t window_of(int64_t now) { return now - now % 3600; }

// E-mails sent (or claimed to be sent) in the hour window of `now`.
int64_t sent_in_window(Db& db, int64_t now) {
    Statement q(db, "SELECT sent FROM send_quota WHERE window_start = ?");
    q.bind(1, window_of(now));
    return q.step() ? q.column(0).as_int64() : 0;
}

struct Run {
    explicit Run(JobContext& c) : ctx(c) {}
    JobContext& ctx;
    std::vector<int64_t> schedule;
    int64_t cap = 0;
    bool digest = false;
    std::string owner;
    std::unique_ptr<MailTransport> transport;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    int64_t now() const {
        return ctx.now + std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
    }
    int64_t window() const { return window_of(ctx.now); }

    int64_t sent_this_hour() { return sent_in_window(ctx.db, ctx.now); }

    void add_quota(int64_t n) {
        if (!n) return;
        Statement q(ctx.db, "INSERT INTO send_quota(window_start, sent) VALUES(?1, CASE WHEN ?2 > 0 THEN ?2 ELSE 0 END) "
                            "ON CONFLICT(window_start) DO UPDATE SET sent = CASE WHEN send_quota.sent + ?2 > 0 "
                            "THEN send_quota.sent + ?2 ELSE 0 END");
        q.bind(1, window());
        q.bind(2, n);
        q.exec();
    }

    std::optional<OutboxRow> load(int64_t id, bool claimed_by_us) {
        Statement q(ctx.db, std::string("SELECT ") + kColumns + " FROM notification_outbox WHERE id = ?" +
                                      (claimed_by_us ? " AND claimed_by = ?" : ""));
        q.bind(1, id);
        if (claimed_by_us) q.bind(2, owner);
        if (!q.step()) return std::nullopt;
        return read_row(q);
    }

    // Inside the claim transaction: the other due notices of `first`'s user and persona, claimed
    // and folded with it into a new digest row, which is returned claimed. nullopt when alone.
    // A row that was in a digest before (digest_id set: that digest failed) is never folded again.
    std::optional<int64_t> fold(const OutboxRow& first, int64_t ttl_until) {
        if (!first.user_id || first.kind == "digest" || first.digest_id) return std::nullopt;
        Statement q(ctx.db, std::string("SELECT ") + kColumns + " FROM notification_outbox WHERE user_id = ?1 "
                                      "AND status = 'queued' AND next_attempt_at <= ?2 AND id <> ?3 AND kind <> 'digest' "
                                      "AND digest_id IS NULL "
                                      "AND to_address = ?4 AND persona = ?5 AND coalesce(from_name,'') = ?6 ORDER BY id LIMIT 100");
        q.bind(1, *first.user_id);
        q.bind(2, ctx.now);
        q.bind(3, first.id);
        q.bind(4, first.to_address);
        q.bind(5, first.persona);
        q.bind(6, first.from_name);
        // Fold in id order while the e-mail stays within [mail] max_message_bytes: headers (a fixed
        // allowance, plus the subject, RFC 2047-encoded at worst) and each section's quoted-printable
        // size (sections start on a new line, so their encodings add up; 8 bytes of slack each).
        const int64_t limit = ctx.config.integer("mail", "max_message_bytes");
        int64_t size = 1024 + 4 * static_cast<int64_t>(first.subject.size() + first.to_address.size() + first.from_name.size()) + 64;
        auto section = [](const OutboxRow& r) { return "\n\n== " + r.subject + " ==\n\n" + r.body; };
        auto fits = [&](const OutboxRow& r) {
            int64_t more = static_cast<int64_t>(encoded_body_size(section(r))) + 8;
            if (limit > 0 && size + more > limit) return false;
            size += more;
            return true;
        };
        std::vector<OutboxRow> rows;
        if (fits(first)) rows.push_back(first);
        bool full = rows.empty();
        while (!full && q.step()) {
            OutboxRow r = read_row(q);
            if (fits(r)) rows.push_back(std::move(r));
            else full = true;  // the rest waits for the next digest, in id order
        }
        if (full && rows.size() < 2) ctx.counts.add("digest_size_limited", 1);
        if (rows.size() < 2) return std::nullopt;
        std::string body = "You have " + std::to_string(rows.size()) + " notices.\n";
        std::vector<int64_t> ids;
        for (const auto& r : rows) {
            body += section(r);
            ids.push_back(r.id);
        }
        Statement ins(ctx.db,
                      "INSERT INTO notification_outbox(user_id, to_address, persona, from_name, kind, subject, body, dedupe_key, "
                      "status, next_attempt_at, claimed_by, claim_expires_at, created_at) "
                      "VALUES(?, ?, ?, ?, 'digest', ?, ?, ?, 'sending', ?, ?, ?, ?)");
        ins.bind(1, *first.user_id);
        ins.bind(2, first.to_address);
        ins.bind(3, first.persona);
        if (first.from_name.empty()) ins.bind(4); else ins.bind(4, first.from_name);
        ins.bind(5, std::to_string(rows.size()) + " notices: " + first.subject + (rows.size() > 1 ? ", ..." : ""));
        ins.bind(6, body);
        ins.bind(7, "digest:" + std::to_string(first.id));  // a row is folded once, so its id is unique here
        ins.bind(8, ctx.now);
        ins.bind(9, owner);
        ins.bind(10, ttl_until);
        ins.bind(11, ctx.now);
        ins.exec();
        int64_t digest_id = ctx.db.last_insert_id();
        Statement fold(ctx.db, "UPDATE notification_outbox SET status = 'digested', digest_id = ?, "
                               "claimed_by = NULL, claim_expires_at = NULL WHERE id = ?");
        for (int64_t id : ids) {
            fold.bind(1, digest_id);
            fold.bind(2, id);
            fold.exec();
            fold.reset();
        }
        ctx.counts.add("digested", static_cast<int64_t>(ids.size()));
        ctx.counts.changed += static_cast<int64_t>(ids.size());
        return digest_id;
    }

    // Inside a write transaction: gives claimed row `id` its Message-ID unless it has one. Without
    // a valid sender address there is no domain for it; such a notice is not sent anyway.
    std::string assign_message_id(int64_t id) {
        auto row = load(id, true);
        if (!row) return "";
        if (!row->message_id.empty()) return row->message_id;
        Mailbox from = persona_sender(ctx.config, row->persona, row->from_name);
        if (!valid_address(from.address)) return "";
        std::string mid = new_message_id(from.address, ctx.now);
        Statement q(ctx.db, "UPDATE notification_outbox SET message_id = ? WHERE id = ? AND message_id IS NULL");
        q.bind(1, mid);
        q.bind(2, id);
        q.exec();
        return mid;
    }

    // One short transaction: claims up to the room left under the cap (and the batch size),
    // folding digests, and reserves the quota. Returns the e-mails to send.
    std::vector<int64_t> claim_batch(int64_t batch, int64_t ttl, bool* capped) {
        std::vector<int64_t> out;
        int64_t t = now();
        ctx.db.write([&] {
            int64_t room = cap - sent_this_hour();
            *capped = room <= 0;
            if (room <= 0) return;
            for (int64_t id : claimable(ctx.db, kQueue, ctx.now, std::min(batch, room))) {
                // A row folded into an earlier digest of this batch is 'digested' now: not claimable.
                if (!claim_row(ctx.db, kQueue, id, owner, ctx.now, ttl + (t - ctx.now))) continue;
                std::optional<int64_t> digest_id;
                if (digest)
                    if (auto row = load(id, true)) digest_id = fold(*row, t + ttl);
                out.push_back(digest_id ? *digest_id : id);
                assign_message_id(out.back());
            }
            add_quota(static_cast<int64_t>(out.size()));
        });
        return out;
    }

    MailMessage compose(const OutboxRow& row, const Mailbox& from) {
        OutgoingMail m;
        m.from = from;
        m.to = {"", row.to_address};
        m.date = now();
        // Times only the sending makes true (overflow-hold purge dates, issue 12.3): rendered now.
        m.subject = render_send_times(row.subject, m.date);
        m.body = render_send_times(row.body, m.date);
        m.body_html = render_send_times(row.body_html, m.date);
        m.message_id = row.message_id;
        m.extra_headers = {{"X-Mailjobs-Notice", std::to_string(row.id) + " " + row.kind}};
        return MailMessage{from.address, {row.to_address}, build_message(m), true};
    }

    void record(const OutboxRow& row, const SendResult& r) {
        // A transport that is down said nothing about this notice: not an attempt (issue 12.2).
        const bool counted = !r.transport_down;
        int64_t t = now(), attempt = row.attempts + 1;
        std::optional<int64_t> next;
        std::string status = "sent";
        if (r.status == SendStatus::transient && counted) {
            if (auto delay = retry_delay(schedule, attempt)) next = t + *delay;
        }
        if (r.status != SendStatus::ok) status = next || !counted ? "queued" : "failed";
        bool kept = false;
        int unfolded = 0;
        // Protected by this row's claim (claimed_by = owner), not the job lease: the outcome of a send is
        // recorded even after `unlock --force` (db.h), or the message would be sent again.
        ctx.db.write([&] {
            Statement q(ctx.db,
                        "UPDATE notification_outbox SET status = ?1, attempts = ?2, next_attempt_at = coalesce(?3, next_attempt_at), "
                        "last_error = ?4, sent_at = ?5, claimed_by = NULL, claim_expires_at = NULL WHERE id = ?6 AND claimed_by = ?7");
            q.bind(1, status);
            q.bind(2, counted ? attempt : row.attempts);
            if (next) q.bind(3, *next); else q.bind(3);  // not counted: next_attempt_at unchanged, due again
            if (r.error.empty()) q.bind(4); else q.bind(4, r.error);
            if (status == "sent") q.bind(5, t); else q.bind(5);
            q.bind(6, row.id);
            q.bind(7, owner);
            kept = q.exec() == 1;
            if (!kept) return;
            if (status == "failed" && row.kind == "digest") {
                // Failed for good: its notices go out on their own (they keep digest_id: never folded again).
                Statement u(ctx.db, "UPDATE notification_outbox SET status = 'queued', next_attempt_at = ?1 "
                                    "WHERE digest_id = ?2 AND status = 'digested'");
                u.bind(1, t);
                u.bind(2, row.id);
                unfolded = u.exec();
            }
            // Nothing went out: give the slot back. An unknown outcome keeps it (it may have).
            if (status != "sent" && !r.outcome_unknown) add_quota(-1);
            Attempt a;
            a.run_id = ctx.run_id;
            a.job = ctx.job;
            a.item_table = "notification_outbox";
            a.item_id = row.id;
            a.attempt = attempt;
            if (r.code) a.status_code = r.code;
            a.error = counted ? r.error : r.error + " (transport down: not counted as an attempt)";
            a.duration_ms = r.duration_ms;
            a.next_retry_at = counted ? next : std::optional<int64_t>(t);
            a.created_at = t;
            record_attempt_in_txn(ctx.db, a);
        }, Db::Checks::bound_only);
        std::string outcome = !kept ? "claim_lost" : counted ? status : "transport_down";
        nlohmann::json fields = {{"id", row.id}, {"kind", row.kind}, {"outcome", outcome},
                                 {"attempt", attempt}, {"code", r.code}};
        if (r.outcome_unknown) fields["outcome_unknown"] = true;
        if (unfolded) fields["notices_requeued"] = unfolded;
        if (!r.error.empty()) fields["error"] = r.error;
        if (next) fields["next_attempt_at"] = iso_time(*next);
        if (kept && status == "sent") ctx.info("notice", fields); else ctx.warn("notice", fields);
        if (!kept) return;
        if (!counted) return ctx.counts.add("transport_down", 1);
        ctx.counts.changed += 1;
        ctx.counts.add(status == "queued" ? "retry_scheduled" : status, 1);
        if (r.outcome_unknown) ctx.counts.add("outcome_unknown", 1);
        ctx.counts.add("unfolded", unfolded);
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
        ctx.db.write([&] {
            release_rows(ctx.db, kQueue, ids, owner);
            add_quota(-static_cast<int64_t>(ids.size()));
        }, Db::Checks::bound_only);
    }

    // A send may take up to [mail] timeout; one that could outlast the budget is left for the next run.
    Outcome budget_left_too_short() {
        ctx.note = "budget reached: less than [mail] timeout (" + std::to_string(transport->timeout_s()) +
                   "s) left for the next e-mail; the rest waits for the next run";
        return Outcome::more;
    }

    Outcome dry_run() {
        int64_t room = std::max<int64_t>(0, cap - sent_this_hour());
        auto ids = claimable(ctx.db, kQueue, ctx.now, room + 1);
        if (static_cast<int64_t>(ids.size()) > room) {
            ids.resize(static_cast<size_t>(room));
            ctx.note = "hourly cap: " + std::to_string(room) + " left in this hour; the rest would wait";
        }
        for (int64_t id : ids)
            if (auto row = load(id, false))
                ctx.info("would_send", {{"id", id}, {"kind", row->kind}, {"to", row->to_address}, {"persona", row->persona}});
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
            bool capped = false;
            int64_t t = now();  // claim time
            auto claimed = claim_batch(batch, ttl, &capped);
            if (capped) {
                if (!claimable(ctx.db, kQueue, ctx.now, 1).empty()) {
                    ctx.note = "hourly cap reached (" + std::to_string(cap) + " per hour); the rest waits for the next hour";
                    ctx.counts.add("cap_reached", 1);
                    ctx.info("hourly_cap_reached", {{"cap", cap}, {"window", iso_time(window())}});
                }
                return Outcome::done;
            }
            if (claimed.empty()) return Outcome::done;
            ctx.counts.examined += static_cast<int64_t>(claimed.size());
            BatchEnd end = work_claimed(
                claimed, [&] { return ctx.should_stop() || !transport->fits_in_budget(); }, [&] { return now() - t > ttl / 2; },
                [&](const std::vector<int64_t>& ids) { release(ids); },
                [&](int64_t id) {
                    auto row = load(id, true);
                    if (!row) return Step::next;
                    Mailbox from = persona_sender(ctx.config, row->persona, row->from_name);
                    if (!valid_address(from.address)) {  // configuration, not the notice: fail the run, keep the notice
                        ctx.note = from.address.empty() ? "[mail] from_address is not set: notices cannot be sent"
                                                        : "sender address '" + from.address + "' of persona '" + row->persona +
                                                              "' is not a valid address ([mail])";
                        return Step::fail_before;
                    }
                    if (row->message_id.empty()) {  // claimed while no sender was configured
                        ctx.db.write([&] { row->message_id = assign_message_id(id); });
                    }
                    SendResult r = transport->send(compose(*row, from));
                    record(*row, r);
                    if (r.outcome_unknown) {  // a server this slow would cost every next notice a timeout too
                        ctx.note = "mail server did not answer in time: " + r.error;
                        return Step::fail_after;
                    }
                    if (!r.transport_down) return Step::next;
                    ctx.note = "mail transport unavailable: " + r.error + " (the notices wait; attempts not counted)";
                    return Step::fail_after;
                });
            if (end == BatchEnd::stopped) return ctx.should_stop() ? Outcome::more : budget_left_too_short();
            if (end == BatchEnd::failed) return Outcome::failed;
        }
    }
};

}  // namespace

int64_t notification_delivery_follow_up(Db& db, const Config& config, int64_t now) {
    // Under the hourly cap a run could send nothing: no follow-up turn only to say so.
    if (sent_in_window(db, now) >= config.integer("job.notification-delivery", "hourly_cap")) return 0;
    return static_cast<int64_t>(claimable(db, kQueue, now, 1).size());
}

Outcome notification_delivery(JobContext& ctx) {
    Run run(ctx);
    run.schedule = parse_retry_schedule(ctx.config.list(ctx.section(), "retry_schedule"), "[job.notification-delivery] retry_schedule");
    run.cap = ctx.cfg_int("hourly_cap");
    run.digest = ctx.cfg_bool("digest");
    // Notices to soft-deleted or suspended users wait (BJ-18, claim.h); counted the same in a dry run.
    ctx.counts.add("waiting_user_inactive", count_waiting_user_inactive(ctx.db, kQueue, ctx.now));
    if (ctx.dry_run) return run.dry_run();
    run.owner = ctx.lease ? ctx.lease->owner() : Lease::make_owner_token();
    run.transport = MailTransport::from_config(ctx.config);
    run.transport->set_deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(ctx.remaining_ms()));
    Outcome o = run.run();
    run.transport->close();
    return o;
}

}  // namespace mj
