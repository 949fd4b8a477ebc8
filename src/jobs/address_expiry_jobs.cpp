// alias-expiry (BJ-12) and destination-verification-expiry (BJ-14). See address_expiry_jobs.h.
#include "jobs/address_expiry_jobs.h"

#include <algorithm>
#include <ctime>

#include "core/log.h"
#include "delivery/outbox.h"
#include "retention/engine.h"
#include "retention/sql_text.h"

namespace mj {
namespace {

// --older-than for jobs whose natural cutoff is "now": only rows expired more than D ago.
int64_t expiry_cutoff(const JobContext& ctx) { return ctx.now - ctx.older_than_override.value_or(0); }

// One audit row per alias, in the transaction that deactivates it. No personal data: the alias is
// named by its uuid (share/schema.md, audit_logs).
void audit_alias_expired(JobContext& ctx, const std::vector<int64_t>& ids) {
    Statement q(ctx.db,
                "INSERT INTO audit_logs(user_id, actor, action, target, critical, details, created_at) "
                "SELECT user_id, 'job:alias-expiry', 'alias.expired', 'alias:' || uuid, 0, "
                "'{\"alias_id\":' || id || ',\"expires_at\":' || expires_at || ',\"run_id\":' || CAST(?1 AS TEXT) || '}', ?2 "
                "FROM aliases WHERE id IN (" + rowid_list(ids) + ")");
    q.bind(1, ctx.run_id);
    q.bind(2, ctx.now);
    ctx.counts.add("audit_logs", q.exec());
}

std::string day_text(int64_t t) { return format_utc(t, "%d %B %Y, %H:%M UTC"); }

// Queues the removal notice of each unverified destination (to the account's address); the engine
// then stamps verification_notice_at = now on the same rows in the same transaction.
void queue_removal_notices(JobContext& ctx, const std::vector<int64_t>& ids, int64_t grace, int64_t notice_before) {
    Statement q(ctx.db,
                "SELECT d.id, d.user_id, d.email, d.created_at, u.email, u.status FROM destinations d "
                "JOIN users u ON u.id = d.user_id WHERE d.id IN (" + rowid_list(ids) + ")");
    int64_t queued = 0;
    while (q.step()) {
        if (q.column(5).as_text() == "deleted") continue;
        int64_t id = q.column(0).as_int64();
        // The earliest the removal rule allows: past the grace and notice_before after this notice.
        int64_t remove_at = std::max(q.column(3).as_int64() + grace, ctx.now + notice_before);
        std::string dest = q.column(2).as_text();
        Notice n;
        n.user_id = q.column(1).as_int64();
        n.to_address = q.column(4).as_text();
        n.kind = "destination_removal_notice";
        n.dedupe_key = "destination_removal_notice:" + std::to_string(id);
        n.subject = "Unverified forwarding address " + dest + " will be removed on " + day_text(remove_at);
        n.body = "The forwarding address " + dest + " was added to your account but has not been verified.\n\n"
                 "It will be removed after " + day_text(remove_at) + ", and aliases will stop forwarding to it.\n"
                 "To keep it, sign in, send a new verification link and open it before then.\n";
        if (queue_notice(ctx.db, n, ctx.now)) ++queued;
    }
    ctx.counts.add("notification_outbox", queued);
}

}  // namespace

Outcome alias_expiry(JobContext& ctx) {
    Policy p;
    p.name = "aliases";
    p.table = "aliases";
    p.time_column = "expires_at";
    p.cutoff = expiry_cutoff(ctx);
    p.filter = "active = 1";  // with expires_at: the aliases_expiry (active, expires_at) index
    p.before_delete = audit_alias_expired;
    const std::string now = std::to_string(ctx.now);
    p.action = Policy::Action::update;
    p.update_set = "active = 0, deactivated_at = " + now + ", deactivated_by = 'job:alias-expiry', updated_at = " + now;
    return outcome_of(purge(ctx, p).finished);
}

Outcome destination_verification_expiry(JobContext& ctx) {
    const std::string now = std::to_string(ctx.now);
    Policy tokens;
    tokens.name = "destination_tokens";
    tokens.table = "destinations";
    tokens.time_column = "verification_expires_at";
    tokens.cutoff = expiry_cutoff(ctx);
    tokens.action = Policy::Action::update;
    tokens.update_set = "verification_token_hash = NULL, verification_expires_at = NULL, updated_at = " + now;
    if (!purge(ctx, tokens).finished || ctx.should_stop()) return Outcome::more;
    if (!ctx.cfg_bool("remove_unverified")) return Outcome::done;

    const int64_t grace = ctx.cfg_duration("unverified_grace");
    const int64_t notice_before = ctx.cfg_duration("notice_before");
    // Removal first: a notice queued in this run is never old enough to allow a removal in it.
    Policy remove;
    remove.name = "destinations";
    remove.table = "destinations";
    remove.time_column = "created_at";
    remove.cutoff = ctx.now - grace;
    remove.filter = "verified_at IS NULL AND verification_notice_at IS NOT NULL AND verification_notice_at <= " +
                    std::to_string(ctx.now - notice_before);
    remove.dependents = {{"alias_destinations", "destination_id"}};
    if (!purge(ctx, remove).finished || ctx.should_stop()) return Outcome::more;

    Policy notice;
    notice.name = "destination_removal_notices";
    notice.table = "destinations";
    notice.time_column = "created_at";
    notice.cutoff = ctx.now - std::max<int64_t>(0, grace - notice_before);
    notice.filter = "verified_at IS NULL";
    notice.action = Policy::Action::soft_delete;
    notice.soft_delete_column = "verification_notice_at";
    notice.before_delete = [&](JobContext& c, const std::vector<int64_t>& ids) { queue_removal_notices(c, ids, grace, notice_before); };
    return outcome_of(purge(ctx, notice).finished);
}

}  // namespace mj
