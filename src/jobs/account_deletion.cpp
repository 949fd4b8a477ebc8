#include "jobs/account_deletion.h"

#include <unistd.h>

#include <algorithm>
#include <optional>

#include "core/user_data.h"
#include "jobs/alias_tombstones.h"
#include "jobs/spool_files.h"
#include "retention/batch_sizer.h"
#include "retention/purge_connection.h"
#include "retention/sql_text.h"

namespace mj {
namespace {

// A step of the list, as the cursor names it: the table, and for a table reached by several paths
// (job_attempts) the path: "job_attempts/failed_emails".
std::string step_label(const UserDataTable& e) {
    return *e.when_value ? std::string(e.table) + "/" + e.when_value : std::string(e.table);
}

// The counter name of a step in history and in account_deletions.counts.
std::string count_name(const UserDataTable& e) {
    return e.fate == UserRowFate::anonymised ? std::string(e.table) + "_anonymised" : std::string(e.table);
}

// Queue rows that wait because the user is inactive: closed (deleted) with the account.
struct WaitingQueue {
    const char* table;
    const char* waiting_statuses;
};
const WaitingQueue kWaitingQueues[] = {
    {"failed_emails", "'pending','sending'"},
    {"delivery_log", "'pending','delivering','failed'"},
    {"notification_outbox", "'queued','sending'"},
};

// A table's single integer row key: "rowid" on SQLite, its integer primary key "id" on PostgreSQL
// (which has no rowid); "" for a table keyed otherwise (alias_destinations).
std::string integer_row_key(Db& db, const std::string& table) {
    const std::vector<std::string> key = db.row_key(table);
    return key.size() == 1 && (key[0] == "rowid" || key[0] == "id") ? key[0] : "";
}

// The primary-key columns of a table without an integer row key ("alias_id, destination_id"); ""
// for one with it (deleted by that key, its ids known, so its spool files can follow).
std::string without_rowid_key(Db& db, const std::string& table) {
    if (!integer_row_key(db, table).empty()) return "";
    std::string cols;
    for (const auto& c : db.row_key(table)) cols += (cols.empty() ? "" : ", ") + c;
    return cols;
}

std::string rows_sql(const UserDataTable& e, const std::string& what) {
    std::string sql = user_rows_select_sql(e);  // "SELECT * FROM t WHERE ..."
    return "SELECT " + what + sql.substr(8);
}

struct Deletion {
    int64_t id = 0;  // account_deletions.id; 0 = not started
    int64_t user_id = 0;
    std::string user_uuid;
    size_t step = 0;  // index into user_data_tables()
    nlohmann::json counts = nlohmann::json::object();
};

const std::vector<UserDataTable>& steps() { return user_data_tables(); }

size_t step_of(const std::string& label) {
    for (size_t i = 0; i < steps().size(); ++i)
        if (step_label(steps()[i]) == label) return i;
    return 0;  // unknown (the list changed): start again at the top, every step is idempotent
}

void add_count(nlohmann::json& counts, const std::string& name, int64_t n) {
    if (!n) return;
    counts[name] = counts.value(name, int64_t(0)) + n;
}

// What the first transaction counts and stores: the waiting queue rows that are closed.
nlohmann::json waiting_counts(Db& db, int64_t user_id) {
    nlohmann::json c = nlohmann::json::object();
    for (const auto& q : kWaitingQueues) {
        int64_t n = db.scalar(std::string("SELECT count(*) FROM ") + q.table + " WHERE user_id = ? AND status IN (" +
                                  q.waiting_statuses + ")",
                              user_id);
        add_count(c, std::string("closed_waiting_") + q.table, n);
    }
    return c;
}

void count_into(JobContext& ctx, const nlohmann::json& c) {
    for (auto it = c.begin(); it != c.end(); ++it) ctx.counts.add(it.key(), it.value().get<int64_t>());
}

std::string spool_dir_of(JobContext& ctx) {
    // One spool folder for all held mail unless set here: forward-retry's.
    std::string dir = ctx.config.path(ctx.section(), "spool_dir");
    if (dir.empty() && ctx.config.has("job.forward-retry", "spool_dir")) dir = ctx.config.path("job.forward-retry", "spool_dir");
    return dir;
}

// Dry-run: what a run would do for this user from step `from` on, read only.
void count_dry(JobContext& ctx, const TombstoneKey& key, const std::string& spool_dir, int64_t user_id, size_t from, bool fresh) {
    if (fresh) {
        count_into(ctx, waiting_counts(ctx.db, user_id));
        ctx.counts.add("deletion_notices", ctx.db.scalar("SELECT count(*) FROM users WHERE id = ? AND email <> '' AND "
                                                         "NOT EXISTS (SELECT 1 FROM notification_outbox WHERE dedupe_key = "
                                                         "'account_deleted:' || users.uuid)",
                                                         user_id));
    }
    for (size_t i = from; i < steps().size(); ++i) {
        const auto& e = steps()[i];
        if (e.fate == UserRowFate::kept) continue;
        std::string sql = rows_sql(e, "count(*)");
        if (e.fate == UserRowFate::anonymised) sql += std::string(" AND ") + e.table + "." + e.via_column + " IS NOT NULL";
        int64_t n = ctx.db.scalar(sql, user_id);
        ctx.counts.add(count_name(e), n);
        if (key.enabled && std::string(e.table) == "aliases") {
            // The tombstones a run would add (one per address not tombstoned under this key yet).
            Statement a = ctx.db.query(rows_sql(e, "aliases.address"), user_id);
            int64_t added = 0;
            while (a.step())
                added += ctx.db.scalar("SELECT count(*) = 0 FROM alias_tombstones WHERE address_hmac = ? AND key_id = ?",
                                       alias_tombstone_hash(key.secret, a.column(0).as_text()), key.key_id);
            ctx.counts.add("alias_tombstones", added);
        }
        if (!spool_dir.empty() && !e.file_columns.empty() && std::string(e.file_columns[0]) == "spool_path") {
            // The files a run would remove: those that exist inside the spool folder.
            Statement f = ctx.db.query(rows_sql(e, std::string(e.table) + ".spool_path") + " AND spool_path IS NOT NULL", user_id);
            int64_t files = 0;
            while (f.step()) {
                SpoolPath sp = resolve_spool_path(spool_dir, f.column(0).as_text());
                if (!sp.refused && !sp.missing && access(sp.path.c_str(), F_OK) == 0) ++files;
            }
            ctx.counts.add("spool_files", files);
        }
        if (!e.file_columns.empty() && std::string(e.file_columns[0]) == "path") {
            // The export archives a run would remove, inside [export] dir.
            const std::string dir = ctx.config.path("export", "dir");
            Statement f = ctx.db.query(rows_sql(e, std::string(e.table) + ".path") + " AND path IS NOT NULL", user_id);
            int64_t files = 0;
            while (f.step()) {
                SpoolPath sp = resolve_spool_path(dir, f.column(0).as_text());
                if (!sp.refused && !sp.missing && access(sp.path.c_str(), F_OK) == 0) ++files;
            }
            ctx.counts.add("export_files", files);
        }
        ctx.counts.examined += n;  // a dry-run's "would change" (cli/report.cpp)
    }
    ctx.counts.add("accounts_deleted", 1);
}

// start() and finish() are one transaction each and cannot be split: the first makes the deletion
// irreversible together with its notice, the last removes the users row together with "done" and
// the audit event. When max_transaction stops one (TransactionTooLong: rolled back, nothing of it
// committed), the same transaction again would only be stopped again: the run ends failed with one
// line that says which transaction of which deletion and what to change, not only the time bound's
// message. The next run, once fixed, does that transaction again.
template <class F>
void write_whole(JobContext& ctx, const char* which, const std::string& user_uuid, F&& fn) {
    try {
        ctx.db.write(std::forward<F>(fn));
    } catch (const TransactionTooLong& stopped) {
        const int64_t bound_ms = stopped.bound_us / 1000, held_ms = stopped.held_us / 1000;
        ctx.error("deletion_transaction_too_long",
                  {{"transaction", which}, {"user_uuid", user_uuid}, {"bound_ms", bound_ms}, {"txn_ms", held_ms}});
        throw std::runtime_error("account deletion of user " + user_uuid + ": its " + which + " passed max_transaction (" +
                                 std::to_string(bound_ms) + " ms, stopped after " + std::to_string(held_ms) +
                                 " ms) and rolled back; it cannot be split: raise [general] max_transaction");
    }
}

// The first transaction: re-check the request, create the account_deletions row (irreversible from
// here), queue the notice. Returns false when the request was undone meanwhile.
bool start(JobContext& ctx, int64_t user_id, int64_t cutoff, Deletion& d) {
    bool started = false;
    nlohmann::json waiting;
    int64_t notices = 0;
    std::string user_uuid = "id " + std::to_string(user_id);  // the uuid once read: for the message above
    // Counted before the transaction, not inside it: a report, not a decision (the batches delete
    // whatever waits then), and counting 150k deliveries by status held the lock 60 ms.
    const nlohmann::json waiting_before = waiting_counts(ctx.db, user_id);
    write_whole(ctx, "first transaction (account_deletions row and notice)", user_uuid, [&] {
        Statement u = ctx.db.query("SELECT uuid, email, deleted_at FROM users WHERE id = ? AND deleted_at IS NOT NULL "
                                   "AND deleted_at <= ?",
                                   user_id, cutoff);
        if (!u.step()) return;  // undone (deleted_at cleared) since the selection: never touched
        const std::string uuid = u.column(0).as_text(), email = u.column(1).as_text();
        user_uuid = uuid;
        const int64_t requested_at = u.column(2).as_int64();
        waiting = waiting_before;
        // The notice before any row holding the address goes; user_id NULL so the purge does not
        // remove it and notification-delivery's revocation does not hold it back; sent once (key).
        if (!email.empty()) {
            Statement n = ctx.db.query(
                "INSERT INTO notification_outbox(user_id, to_address, kind, subject, body, dedupe_key, "
                "next_attempt_at, created_at) VALUES(NULL, ?, 'account_deleted', 'Your account has been deleted', ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                email,
                std::string("Your account and all its data (aliases, destinations, domains, logs and held mail) "
                            "have been deleted, as you asked. This cannot be undone.\n\nNo reply is needed."),
                "account_deleted:" + uuid, ctx.now, ctx.now);
            notices = n.exec();
        }
        d.counts = waiting;
        add_count(d.counts, "deletion_notices", notices);
        Statement ins = ctx.db.query(
            "INSERT INTO account_deletions(user_id, user_uuid, requested_at, started_at, status, counts, run_id, at_table) "
            "VALUES(?, ?, ?, ?, 'running', ?, ?, ?)",
            user_id, uuid, requested_at, ctx.now, d.counts.dump(), ctx.run_id, step_label(steps()[0]));
        ins.step();
        d.id = ctx.db.last_insert_id();
        d.user_id = user_id;
        d.user_uuid = uuid;
        d.step = 0;
        started = true;
    });
    if (started) {
        count_into(ctx, waiting);
        ctx.counts.add("deletion_notices", notices);
        ctx.info("account_deletion_started", {{"deletion_id", d.id}, {"user_uuid", d.user_uuid}});
    }
    return started;
}

// The last transaction: the users row, done, the audit event.
void finish(JobContext& ctx, Deletion& d) {
    int64_t users = 0;
    nlohmann::json counts = d.counts;
    write_whole(ctx, "last transaction (users row, done and audit event)", d.user_uuid, [&] {
        Statement del = ctx.db.query("DELETE FROM users WHERE id = ?", d.user_id);
        users = del.exec();
        counts = d.counts;
        add_count(counts, "users", users);
        Statement done = ctx.db.query(
            "UPDATE account_deletions SET status = 'done', completed_at = ?, run_id = ?, counts = ?, at_table = NULL "
            "WHERE id = ?",
            ctx.now, ctx.run_id, counts.dump(), d.id);
        done.step();
        // No personal data: the deletion's id and the user's uuid only.
        nlohmann::json details = {{"account_deletion_id", d.id}};
        Statement audit = ctx.db.query(
            "INSERT INTO audit_logs(user_id, actor, action, target, critical, details, created_at) "
            "VALUES(NULL, ?, 'account.deleted', ?, 1, ?, ?)",
            "job:" + ctx.job, "user:" + d.user_uuid, details.dump(), ctx.now);
        audit.step();
    });
    d.counts = counts;
    ctx.counts.add("users", users);
    ctx.counts.changed += users;
    ctx.counts.add("accounts_deleted", 1);
    ctx.info("account_deletion_done", {{"deletion_id", d.id}, {"user_uuid", d.user_uuid}});
}

// Walks the list from d.step; false when stopped (budget, signal, lease) before the end.
bool purge_rows(JobContext& ctx, const TombstoneKey& key, Deletion& d, SpoolFiles& spool, SpoolFiles& export_files, BatchSizer& sizer,
                PurgeConnection& connection) {
    int64_t parent_after = 0;  // the parent window of a step reached through a parent (below)
    size_t window_step = d.step;
    while (d.step < steps().size()) {
        const auto& e = steps()[d.step];
        if (window_step != d.step) {
            // A new table: its parent window starts again, and so does the batch size. A size grown
            // on narrow rows (sessions) is too big for the first batch of a table with several
            // indexes (message_logs), and shrinking from there takes batches over the target.
            // The first batch of a table is a quarter of the configured one: 1000 aliases with
            // their tombstones (an HMAC and an insert each) held the lock 28 ms.
            parent_after = 0, window_step = d.step;
            BatchSizer::Limits fresh = sizer.limits();
            fresh.start = std::max<int64_t>(1, fresh.start / 4);
            sizer = BatchSizer(fresh);
        }
        if (std::string(e.table) == "users") {
            finish(ctx, d);
            return true;
        }
        if (ctx.should_stop()) return false;
        if (e.fate == UserRowFate::kept) {
            ++d.step;
            continue;
        }
        // The files that go with the rows: held mail in the spool folder, archives in [export] dir.
        const std::string file_column = e.file_columns.empty() ? "" : e.file_columns[0];
        SpoolFiles* files = file_column == "spool_path" ? &spool : file_column == "path" ? &export_files : nullptr;
        const bool has_files = files != nullptr;
        const int64_t limit = sizer.size();
        int64_t changed = 0, tombstones = 0, work = 0, parents_seen = 0;
        size_t next_step = d.step;
        int64_t window_after = parent_after;  // kept only if the batch commits
        nlohmann::json counts;
        try {
            // As the retention engine's batches: the writers' gap after each, WAL checkpoints on
            // their own thread (purge_connection.h).
            connection.write(ctx.db, [&] {
                counts = d.counts;  // all of the batch's state starts again if the transaction does
                changed = 0, tombstones = 0, window_after = parent_after;
                const std::string pk_columns = without_rowid_key(ctx.db, e.table);
                const std::string row_key = integer_row_key(ctx.db, e.table);
                std::vector<int64_t> ids;   // rowids of the batch (tables with a rowid)
                int64_t taken = 0;          // rows of the batch (ids, or rows deleted by primary key)
                int64_t examined = 0;       // parents looked at (a step reached through a parent)
                bool via_parent = false, exhausted = false;  // exhausted: the last parent window is done
                const auto parents = std::string(e.parent) == "users" ? std::vector<const UserDataTable*>{}
                                                                      : user_data_entries(e.parent);
                via_parent = parents.size() == 1 && std::string(parents[0]->parent) == "users" && e.fate == UserRowFate::deleted;
                if (via_parent) {
                    // Reached through a parent (job_attempts of the user's deliveries, the
                    // destinations of the user's aliases): `IN (SELECT id FROM parent WHERE user_id =
                    // ?)` builds the whole id list in every batch and meets the parents whose children
                    // are gone first (31 ms at 50k parents; alias_destinations: 150 ms batches, 150
                    // rows/s at 25k aliases). The parents are walked instead, 1000 ids at a time in id
                    // order (parent_after, kept for this step while the run lasts), and the children
                    // of each window are taken by the child's index.
                    const std::string pt = e.parent, pc = e.parent_column;
                    const std::string window = "SELECT " + pt + "." + pc + user_rows_select_sql(*parents[0]).substr(8) + " AND " + pt +
                                               "." + pc + " > ?2 ORDER BY " + pt + "." + pc + " LIMIT 1000";
                    const std::string when = *e.when_column ? std::string(" AND ") + e.when_column + " = '" + e.when_value + "'" : "";
                    // A batch also stops once it has looked at `limit` parents: 30k notices without
                    // attempts were one 106 ms batch of 30 empty windows.
                    while (taken < limit && examined < limit) {
                        Statement w = ctx.db.query(window, d.user_id, window_after);
                        std::vector<int64_t> pids;
                        while (w.step()) pids.push_back(w.column(0).as_int64());
                        w.reset();
                        if (pids.empty()) {
                            exhausted = true;
                            break;
                        }
                        examined += static_cast<int64_t>(pids.size());
                        const std::string children = std::string(e.table) + " WHERE " + e.via_column + " IN (" + rowid_list(pids) + ")" +
                                                     when + " LIMIT " + std::to_string(limit - taken);
                        int64_t got = 0;
                        if (!pk_columns.empty()) {
                            // No rowid (alias_destinations): deleted by primary key; no files in such tables.
                            got = ctx.db.exec(std::string("DELETE FROM ") + e.table + " WHERE (" + pk_columns + ") IN (SELECT " +
                                              pk_columns + " FROM " + children + ")");
                            changed += got;
                        } else {
                            Statement c = ctx.db.query("SELECT " + row_key + " FROM " + children);
                            while (c.step()) ids.push_back(c.column(0).as_int64()), ++got;
                        }
                        taken += got;
                        if (taken < limit) {  // all of this window's children are in the batch
                            window_after = pids.back();
                            if (pids.size() < 1000) exhausted = true;  // and it was the last window
                            if (exhausted) break;
                        }
                    }
                    if (changed) add_count(counts, count_name(e), changed);
                } else if (!pk_columns.empty()) {
                    // No rowid, reached from the user directly: a batch by primary key.
                    Statement del = ctx.db.query(std::string("DELETE FROM ") + e.table + " WHERE (" + pk_columns + ") IN (" +
                                                     rows_sql(e, pk_columns) + " LIMIT " + std::to_string(limit) + ")",
                                                 d.user_id);
                    changed = del.exec();
                    taken = changed;
                    add_count(counts, count_name(e), changed);
                } else {
                    std::string sel = rows_sql(e, std::string(e.table) + "." + row_key);
                    if (e.fate == UserRowFate::anonymised) sel += std::string(" AND ") + e.table + "." + e.via_column + " IS NOT NULL";
                    // No ORDER BY: each batch deletes what it selected, so the next finds the rest, and
                    // an order the path's index does not give would sort all of the user's rows in every
                    // batch (message_logs(user_id, created_at) by rowid: 30 ms at 300k rows, whatever the
                    // batch size; bench/account_deletion.bench.sh).
                    sel += " LIMIT " + std::to_string(limit);
                    Statement q = ctx.db.query(sel, d.user_id);
                    while (q.step()) ids.push_back(q.column(0).as_int64());
                    taken = static_cast<int64_t>(ids.size());
                }
                if (via_parent ? exhausted : taken < limit) next_step = d.step + 1;
                work = std::max(taken, examined), parents_seen = examined;
                if (!ids.empty()) {
                    if (has_files) files->collect(e.table, ids);
                    if (std::string(e.table) == "aliases") {
                        tombstones = write_alias_tombstones(ctx.db, key, ids, ctx.now);
                        add_count(counts, "alias_tombstones", tombstones);
                    }
                    const std::string target = rowid_target(ids, row_key);
                    if (e.fate == UserRowFate::anonymised)
                        changed = ctx.db.exec(std::string("UPDATE ") + e.table + " SET " + e.via_column + " = NULL WHERE " + target);
                    else
                        changed = ctx.db.exec(std::string("DELETE FROM ") + e.table + " WHERE " + target);
                    add_count(counts, count_name(e), changed);
                }
                std::string at = next_step < steps().size() ? step_label(steps()[next_step]) : "";
                Statement cur = ctx.db.query("UPDATE account_deletions SET at_table = ?, counts = ? WHERE id = ?", at,
                                             counts.dump(), d.id);
                cur.step();
            });
        } catch (const TransactionTooLong& stopped) {
            if (has_files) files->drop_pending();  // that batch rolled back: its files stay with their rows
            sizer.record_stopped(limit, stopped.held_us);
            if (limit <= 1) throw;
            continue;
        } catch (...) {
            if (has_files) files->drop_pending();
            throw;
        }
        // The batch's work is its rows, or the parents it looked at when there were more of those.
        sizer.record(std::max<int64_t>(work, 1), ctx.db.last_txn_us());
        ctx.debug("batch", {{"step", step_label(e)}, {"limit", limit}, {"rows", changed}, {"parents", parents_seen},
                            {"txn_us", ctx.db.last_txn_us()}});
        d.counts = counts;
        d.step = next_step;
        parent_after = window_after;
        ctx.counts.add(count_name(e), changed);
        ctx.counts.add("alias_tombstones", tombstones);
        ctx.counts.changed += changed;
        if (has_files) files->remove_committed();
    }
    return true;
}

std::optional<Deletion> running_deletion(Db& db) {
    Statement q = db.query("SELECT id, user_id, user_uuid, at_table, counts FROM account_deletions WHERE status = 'running' "
                           "ORDER BY id LIMIT 1");
    if (!q.step()) return std::nullopt;
    Deletion d;
    d.id = q.column(0).as_int64();
    d.user_id = q.column(1).as_int64();
    d.user_uuid = q.column(2).as_text();
    d.step = q.column(3).is_null() ? 0 : step_of(q.column(3).as_text());
    d.counts = nlohmann::json::parse(q.column(4).as_text(), nullptr, false);
    if (!d.counts.is_object()) d.counts = nlohmann::json::object();
    return d;
}


}  // namespace

Outcome account_deletion(JobContext& ctx) {
    const int64_t cutoff = ctx.now - ctx.cfg_duration("grace");
    // Users whose grace is over and whose purge has not started (a started one is resumed first).
    const std::string candidates =
        "SELECT id FROM users WHERE deleted_at IS NOT NULL AND deleted_at <= ? AND NOT EXISTS "
        "(SELECT 1 FROM account_deletions a WHERE a.user_uuid = users.uuid) ORDER BY deleted_at, id";

    const std::string spool_dir = spool_dir_of(ctx);
    const TombstoneKey key = tombstone_key(ctx);  // off when no secret file is configured
    if (ctx.dry_run) {
        Statement r = ctx.db.query("SELECT user_id, at_table FROM account_deletions WHERE status = 'running' ORDER BY id");
        while (r.step()) count_dry(ctx, key, spool_dir, r.column(0).as_int64(), r.column(1).is_null() ? 0 : step_of(r.column(1).as_text()), false);
        Statement c = ctx.db.query(candidates, cutoff);
        while (c.step()) count_dry(ctx, key, spool_dir, c.column(0).as_int64(), 0, true);
        return Outcome::done;
    }

    if (spool_dir.empty()) ctx.warn("spool_dir_unset", {{"effect", "spool files of deleted rows stay on disk"}});
    SpoolFiles spool(ctx, spool_dir);
    SpoolFiles export_files(ctx, ctx.config.path("export", "dir"), "path", "export_files");  // account-export's archives
    BatchSizer sizer(BatchSizer::for_batch_size(ctx.cfg_int("batch_size"), ctx.db.max_transaction_us()));
    PurgeConnection connection(ctx.db);
    for (;;) {
        if (ctx.should_stop()) return Outcome::more;
        std::optional<Deletion> d = running_deletion(ctx.db);
        if (!d) {
            const int64_t user_id = ctx.db.scalar(candidates + " LIMIT 1", cutoff);
            if (!user_id) return Outcome::done;
            Deletion fresh;
            if (!start(ctx, user_id, cutoff, fresh)) continue;  // undone meanwhile: looks again
            d = fresh;
        }
        if (!purge_rows(ctx, key, *d, spool, export_files, sizer, connection)) return Outcome::more;
    }
}

}  // namespace mj
