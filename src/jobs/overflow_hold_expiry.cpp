// overflow-hold-expiry (BJ-04). The rules are in overflow_hold_expiry.h.
#include "jobs/overflow_hold_expiry.h"

#include <algorithm>
#include <ctime>

#include "core/log.h"
#include "delivery/outbox.h"
#include "jobs/spool_files.h"
#include "retention/sql_text.h"
#include "retention/engine.h"

namespace mj {
namespace {

constexpr const char* kPersona = "overflow_hold";  // [mail] personas; never "porter" (BJ-04)

std::string human_time(int64_t t) { return format_utc(t, "%A %d %B %Y, %H:%M UTC"); }

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

Notice warning_for(const Held& h, int64_t purge_at) {
    Notice n;
    n.user_id = h.user_id;
    n.to_address = h.email;
    n.persona = kPersona;
    n.kind = "overflow_hold_warning";
    n.dedupe_key = "overflow_hold_warning:" + std::to_string(h.id);
    std::string subj = h.subject.empty() ? "(no subject)" : one_line(h.subject);
    n.subject = "Held message will be deleted on " + human_time(purge_at) + ": " + subj;
    n.body = "A message held for you will be permanently deleted soon.\n\n"
             "  Subject:   " + subj + "\n"
             "  From:      " + (h.from.empty() ? "(none)" : one_line(h.from)) + "\n"
             "  Held:      since " + human_time(h.held_at) + (h.reason.empty() ? "" : " (" + h.reason + ")") + "\n\n"
             "It will be deleted after " + human_time(purge_at) + ". Deleted messages cannot be recovered.\n"
             "To keep it, sign in and release or download it before then.\n";
    return n;
}

// Queues one warning per selected row; the engine then sets warning_queued_at = now on the same
// rows in the same transaction.
void queue_warnings(JobContext& ctx, const std::vector<int64_t>& ids, int64_t older_than, int64_t warn_before) {
    SQLite::Statement q(ctx.db.sql(),
                        "SELECT o.id, o.user_id, o.held_at, u.email, ifnull(o.subject, ''), o.mail_from, ifnull(o.reason, ''), "
                        "u.status FROM overflow_hold o JOIN users u ON u.id = o.user_id "
                        "WHERE o.id IN (" + rowid_list(ids) + ")");
    const std::string& sender = ctx.cfg("sender_name");
    // Notice has no from_name field (yet): set it on the row just queued, same transaction.
    SQLite::Statement name(ctx.db.sql(), "UPDATE notification_outbox SET from_name = ?1 WHERE dedupe_key = ?2");
    name.bind(1, sender);
    int64_t queued = 0;
    while (q.executeStep()) {
        // An account being deleted gets no mail; the marker is still set so the purge can proceed.
        if (q.getColumn(7).getString() == "deleted") continue;
        Held h{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(), q.getColumn(3).getString(),
               q.getColumn(4).getString(), q.getColumn(5).getString(), q.getColumn(6).getString()};
        // The earliest moment the purge rule allows: past older_than and warn_before after this warning.
        int64_t purge_at = std::max(h.held_at + older_than, ctx.now + warn_before);
        Notice n = warning_for(h, purge_at);
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
    purge_rows.filter = "warning_queued_at IS NOT NULL AND warning_queued_at <= " + std::to_string(ctx.now - warn_before);
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
