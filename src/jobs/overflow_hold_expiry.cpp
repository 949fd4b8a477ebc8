// overflow-hold-expiry (BJ-04). The rules are in overflow_hold_expiry.h.
#include "jobs/overflow_hold_expiry.h"

#include <algorithm>
#include <ctime>

#include "core/log.h"
#include "delivery/alerts.h"
#include "delivery/notice_time.h"
#include "delivery/outbox.h"
#include "jobs/spool_files.h"
#include "retention/sql_text.h"
#include "retention/engine.h"

namespace mj {
namespace {

constexpr const char* kPersona = "overflow_hold";  // [mail] personas; never "porter" (BJ-04)

std::string human_time(int64_t t) { return notice_time(t); }

// Held mail's subject and sender come from the outside world: one line each in our notice.
std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    if (s.size() <= 200) return s;
    size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    return s.substr(0, cut) + "...";
}

struct Held {
    int64_t id, user_id, held_at;
    std::string email, subject, from, reason;
};

Notice warning_for(const Held& h, int64_t not_before, int64_t warn_before) {
    Notice n;
    n.user_id = h.user_id;
    n.to_address = h.email;
    n.persona = kPersona;
    n.kind = "overflow_hold_warning";
    n.dedupe_key = "overflow_hold_warning:" + std::to_string(h.id);
    std::string subj = h.subject.empty() ? "(no subject)" : one_line(h.subject);
    // The purge date is rendered when the warning is sent (delivery/notice_time.h): the purge waits
    // warn_before after sending, so only the send time makes the date true (issue 12.3).
    const std::string when = send_time_token(warn_before, not_before);
    n.subject = "Held message will be deleted on " + when + ": " + subj;
    n.body = "A message held for you will be permanently deleted soon.\n\n"
             "  Subject:   " + subj + "\n"
             "  From:      " + (h.from.empty() ? "(none)" : one_line(h.from)) + "\n"
             "  Held:      since " + human_time(h.held_at) + (h.reason.empty() ? "" : " (" + h.reason + ")") + "\n\n"
             "It will be deleted after " + when + ". Deleted messages cannot be recovered.\n"
             "To keep it, sign in and release or download it before then.\n";
    return n;
}

// Queues one warning per selected row; the engine then sets warning_queued_at = now on the same
// rows in the same transaction.
void queue_warnings(JobContext& ctx, const std::vector<int64_t>& ids, int64_t older_than, int64_t warn_before) {
    Statement q(ctx.db,
                "SELECT o.id, o.user_id, o.held_at, u.email, coalesce(o.subject, ''), o.mail_from, coalesce(o.reason, ''), "
                "u.status FROM overflow_hold o JOIN users u ON u.id = o.user_id "
                "WHERE o.id IN (" + rowid_list(ids) + ")");
    const std::string& sender = ctx.cfg("sender_name");
    // Notice has no from_name field (yet): set it on the row just queued, same transaction.
    Statement name(ctx.db, "UPDATE notification_outbox SET from_name = ?1 WHERE dedupe_key = ?2");
    name.bind(1, sender);
    int64_t queued = 0;
    while (q.step()) {
        // An account being deleted gets no mail; the marker is still set so the purge can proceed.
        if (q.column(7).as_text() == "deleted") continue;
        Held h{q.column(0).as_int64(), q.column(1).as_int64(), q.column(2).as_int64(), q.column(3).as_text(),
               q.column(4).as_text(), q.column(5).as_text(), q.column(6).as_text()};
        // The earliest moment the purge rule allows: past older_than and warn_before after this
        // warning is sent; the sender fills in the send time.
        Notice n = warning_for(h, h.held_at + older_than, warn_before);
        if (!queue_notice(ctx.db, n, ctx.now)) continue;  // already queued once: never a second
        ++queued;
        if (!sender.empty()) {
            name.bind(2, n.dedupe_key);
            name.exec();
            name.reset();
        }
    }
    ctx.counts.add("notification_outbox", queued);
}

// When the row's warning was sent: its outbox row's sent_at, or that of the digest it was folded
// into. NULL while unsent (queued, sending, failed, cancelled).
const char* const kWarningSentAt =
    "(SELECT CASE WHEN n.status = 'sent' THEN n.sent_at WHEN n.status = 'digested' THEN "
    "(SELECT d.sent_at FROM notification_outbox d WHERE d.id = n.digest_id AND d.status = 'sent') END "
    "FROM notification_outbox n WHERE n.dedupe_key = 'overflow_hold_warning:' || overflow_hold.id)";
const char* const kNoWarningRow =
    "NOT EXISTS (SELECT 1 FROM notification_outbox n WHERE n.dedupe_key = 'overflow_hold_warning:' || overflow_hold.id)";

// Purge only warn_before after the warning was SENT (issue 12.3), not after it was queued: a
// warning stuck in the outbox (no from_address, relay down) keeps the mail. A marked row without
// an outbox row (an account being deleted gets no mail; account-deletion removes the rest) keeps
// the old rule on warning_queued_at.
std::string purge_condition(int64_t sent_before) {
    const std::string t = std::to_string(sent_before);
    return std::string("warning_queued_at IS NOT NULL AND (") + kWarningSentAt + " <= " + t + " OR (" + kNoWarningRow +
           " AND warning_queued_at <= " + t + "))";
}

// Held mail kept past older_than + warn_before + unsent_alert_after because its warning is still
// unsent: the operator is alerted once (job_state.cursor "unsent_alerted"), and again only after
// every such message was warned or removed and a new one got stuck.
void check_unsent_warnings(JobContext& ctx, int64_t older_than, int64_t warn_before) {
    if (ctx.dry_run) return;
    const int64_t limit = ctx.now - warn_before - ctx.cfg_duration("unsent_alert_after");
    Statement q(ctx.db, std::string("SELECT count(*), min(held_at) FROM overflow_hold WHERE held_at < ?1 AND "
                                    "warning_queued_at IS NOT NULL AND warning_queued_at <= ?2 AND ") +
                                  kWarningSentAt + " IS NULL AND NOT " + kNoWarningRow);
    q.bind(1, ctx.now - older_than);
    q.bind(2, limit);
    q.step();
    const int64_t stuck = q.column(0).as_int64();
    const int64_t oldest = stuck ? q.column(1).as_int64() : 0;
    q.reset();
    nlohmann::json cursor = ctx.cursor();
    const bool alerted = cursor.value("unsent_alerted", false);
    if (stuck == 0) {
        if (alerted) {
            cursor.erase("unsent_alerted");
            ctx.db.write([&] { ctx.cursor_set_in_txn(cursor); });
        }
        return;
    }
    ctx.counts.add("kept_warning_unsent", stuck);
    ctx.warn("warning_unsent", {{"messages", stuck}, {"oldest_held_at", iso_time(oldest)}});
    if (alerted) return;
    cursor["unsent_alerted"] = true;
    ctx.db.write([&] { ctx.cursor_set_in_txn(cursor); });  // before sending: one process alerts
    const std::string subject = std::to_string(stuck) + " held message" + (stuck == 1 ? "" : "s") +
                                " kept: deletion warning not sent";
    const std::string text =
        subject + ".\nThese messages are past older_than, but their owners' warnings are still in the "
        "notification outbox (oldest held since " + iso_time(oldest) + "), so they are not deleted. Check [mail] "
        "from_address and the mail transport: mailjobs status; mailjobs history notification-delivery. "
        "No further alert until every such warning went out.";
    send_job_alert(ctx.db, ctx.config, ctx.job, ctx.run_id, subject, text);
}

}  // namespace

Outcome overflow_hold_expiry(JobContext& ctx) {
    const int64_t older_than = ctx.older_than();
    const int64_t warn_before = ctx.cfg_duration("warn_before");
    SpoolFiles spool(ctx, ctx.config.path(ctx.section(), "spool_dir"));

    Policy purge_rows;
    purge_rows.name = "overflow_hold";
    purge_rows.table = "overflow_hold";
    purge_rows.time_column = "held_at";
    purge_rows.cutoff = ctx.now - older_than;
    purge_rows.filter = purge_condition(ctx.now - warn_before);
    purge_rows.before_delete = [&](JobContext& c, const std::vector<int64_t>& ids) { spool.collect("overflow_hold", ids); };
    purge_rows.after_rollback = [&] { spool.drop_pending(); };  // a batch the time bound stopped: its files stay
    PurgeResult purged;
    try {
        purged = purge(ctx, purge_rows);
    } catch (...) {
        spool.drop_pending();  // that batch rolled back: its files stay
        throw;
    }
    spool.remove_committed();
    if (!purged.finished || ctx.should_stop()) return Outcome::more;
    check_unsent_warnings(ctx, older_than, warn_before);

    // Soft-delete semantics of the engine do the marking: warning_queued_at IS NULL selects,
    // warning_queued_at = now marks, in the batch transaction that queues the notices.
    Policy warn;
    warn.name = "overflow_hold_warnings";
    warn.table = "overflow_hold";
    warn.time_column = "held_at";
    warn.cutoff = ctx.now - std::max<int64_t>(0, older_than - warn_before);
    warn.action = Policy::Action::soft_delete;
    warn.soft_delete_column = "warning_queued_at";
    warn.before_delete = [&](JobContext& c, const std::vector<int64_t>& ids) { queue_warnings(c, ids, older_than, warn_before); };
    return outcome_of(purge(ctx, warn).finished);
}

}  // namespace mj
