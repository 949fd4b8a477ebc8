#include "core/index_steps.h"

#include <chrono>

namespace mj {

const std::vector<IndexStep>& index_steps() {
    // The statuses each queue's jobs wait on or hold while working (share/schema.md), the same
    // ones core/queue_depths.cpp counts as pending.
    static const std::vector<IndexStep> steps = {
        {"delivery_log_due", "delivery_log",
         "CREATE INDEX delivery_log_due ON delivery_log(status, next_retry_at) "
         "WHERE status = 'pending' OR status = 'failed' OR status = 'delivering'"},
        {"failed_emails_due", "failed_emails",
         "CREATE INDEX failed_emails_due ON failed_emails(status, next_attempt_at) "
         "WHERE status = 'pending' OR status = 'sending'"},
        {"notification_outbox_due", "notification_outbox",
         "CREATE INDEX notification_outbox_due ON notification_outbox(status, next_attempt_at) "
         "WHERE status = 'queued' OR status = 'sending'"},
    };
    return steps;
}

namespace {

bool step_done(Db& db, const IndexStep& s) { return db.has_index_as(s.index, s.sql); }

int64_t rowid_span(Db& db, const std::string& table) {
    // min() and max() of the id (SQLite's rowid) read one page at each end of the table's b-tree.
    return db.scalar("SELECT coalesce(max(id) - min(id) + 1, 0) FROM " + table);
}

}  // namespace

std::vector<IndexStepState> index_step_states(Db& db) {
    std::vector<IndexStepState> out;
    for (const auto& s : index_steps()) {
        const bool done = step_done(db, s);
        out.push_back({&s, done, done ? 0 : rowid_span(db, s.table)});
    }
    return out;
}

std::vector<AppliedIndexStep> apply_index_steps(Db& db, bool all) {
    std::vector<AppliedIndexStep> applied;
    for (const auto& st : index_step_states(db)) {
        if (st.done || (!all && st.rows > kAutoIndexRows)) continue;
        const IndexStep& s = *st.step;
        bool did = false;
        // Not bounded by max_transaction (as migrations): stopping a build only repeats it.
        db.write([&] {
            if (step_done(db, s)) return;  // another process did it meanwhile
            db.exec(std::string("DROP INDEX IF EXISTS ") + s.index);
            db.exec(s.sql);
            did = true;
        }, Db::Checks::none);
        if (did) applied.push_back({s.index, st.rows, db.last_txn_us() / 1000});
    }
    return applied;
}

}  // namespace mj
