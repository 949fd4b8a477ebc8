#include "core/user_data.h"

#include <stdexcept>

namespace mj {

const char* const kUserInactiveSql = "(u.deleted_at IS NOT NULL OR u.status <> 'active')";

const std::vector<UserDataTable>& user_data_tables() {
    using F = UserRowFate;
    // Children before parents: a table reached through a parent comes before it, and the tables
    // whose rows point at aliases, webhooks or domains (SET NULL) come before those, so deletion
    // never cascades or rewrites rows it is about to delete anyway. `users` last.
    static const std::vector<UserDataTable> list = {
        // Attempts of the user's queue items: their errors quote addresses. No foreign key (they
        // outlive their item), so they are reached through item_table/item_id, before the items.
        {"job_attempts", "item_id", "failed_emails", "id", "item_table", "failed_emails", {}, F::deleted,
         "attempts of the user's failed forwards"},
        {"job_attempts", "item_id", "delivery_log", "id", "item_table", "delivery_log", {}, F::deleted,
         "attempts of the user's webhook deliveries"},
        {"job_attempts", "item_id", "notification_outbox", "id", "item_table", "notification_outbox", {}, F::deleted,
         "attempts of the user's notices"},
        {"header_snapshots", "user_id", "users", "id", "", "", {}, F::deleted,
         "message_log_id has no foreign key; reached by user_id; `encrypted` is under the application's key, useless outside it",
         {"encrypted"}},
        {"dns_checks", "domain_id", "domains", "id", "", "", {}, F::deleted, ""},
        {"alias_destinations", "alias_id", "aliases", "id", "", "", {}, F::deleted,
         "destination_id points at the same user's destinations"},
        {"failed_emails", "user_id", "users", "id", "", "", {"spool_path"}, F::deleted,
         "spool file deleted after the commit", {"claimed_by"}},
        {"overflow_hold", "user_id", "users", "id", "", "", {"spool_path"}, F::deleted,
         "spool file deleted after the commit"},
        {"spam_quarantine", "user_id", "users", "id", "", "", {"spool_path"}, F::deleted,
         "spool file deleted after the commit"},
        {"message_logs", "user_id", "users", "id", "", "", {}, F::deleted, ""},
        {"message_stats_daily", "user_id", "users", "id", "", "", {}, F::deleted, ""},
        {"bandwidth_usage", "user_id", "users", "id", "", "", {}, F::deleted, ""},
        {"bandwidth_rollups", "user_id", "users", "id", "", "", {}, F::deleted, ""},
        {"usage_threshold_events", "user_id", "users", "id", "", "", {}, F::deleted, ""},
        {"magic_links", "user_id", "users", "id", "", "", {}, F::deleted,
         "the application deletes them at soft-delete; leftovers go here", {"token_hash"}},
        {"sessions", "user_id", "users", "id", "", "", {}, F::deleted,
         "the application deletes them at soft-delete; leftovers go here", {"token_hash"}},
        {"delivery_log", "user_id", "users", "id", "", "", {}, F::deleted,
         "user_id is the owner; a row without one is nobody's", {"claimed_by"}},
        {"webhooks", "user_id", "users", "id", "", "", {}, F::deleted, "secret never exported", {"secret"}},
        {"notifications", "user_id", "users", "id", "", "", {}, F::deleted, ""},
        {"messages", "user_id", "users", "id", "", "", {}, F::deleted, ""},
        {"notification_outbox", "user_id", "users", "id", "", "", {}, F::deleted,
         "user_id NULL = operator mail, nobody's; digest_id points inside the same user's rows", {"claimed_by"}},
        {"exports", "user_id", "users", "id", "", "", {"path"}, F::deleted,
         "archive file (relative to the export folder) deleted after the commit; token_hash never exported",
         {"token_hash", "path", "claimed_by"}},
        {"aliases", "user_id", "users", "id", "", "", {}, F::deleted, ""},
        {"destinations", "user_id", "users", "id", "", "", {}, F::deleted, "verification_token_hash never exported",
         {"verification_token_hash"}},
        {"domains", "user_id", "users", "id", "", "", {}, F::deleted, "verification_token never exported",
         {"verification_token"}},
        {"audit_logs", "user_id", "users", "id", "", "", {}, F::anonymised,
         "the trail outlives the account: user_id set NULL (ON DELETE SET NULL); details hold uuids, not personal data"},
        {"account_deletions", "user_id", "users", "id", "", "", {}, F::kept,
         "the proof of deletion; no foreign key, former ids only"},
        {"users", "id", "", "", "", "", {}, F::deleted, "last"},
    };
    return list;
}

bool never_exported(const UserDataTable& entry, const std::string& column) {
    for (const char* c : entry.never_exported)
        if (column == c) return true;
    return false;
}

std::vector<const UserDataTable*> user_data_entries(const std::string& table) {
    std::vector<const UserDataTable*> out;
    for (const auto& e : user_data_tables())
        if (table == e.table) out.push_back(&e);
    return out;
}

namespace {

bool is_user_itself(const UserDataTable& e) { return *e.parent == '\0'; }

std::string owner_through(const UserDataTable& e, const std::string& row_ref, int depth);

// The owner of row `row_ref` of `table`, over every path of that table (a CASE over when_column
// when there are several). NULL for a row no path reaches.
std::string owner_of(const std::string& table, const std::string& row_ref, int depth) {
    auto entries = user_data_entries(table);
    if (entries.empty()) throw std::logic_error("table " + table + " is not in the user data list (core/user_data.cpp)");
    if (entries.size() == 1 && !*entries[0]->when_column) return owner_through(*entries[0], row_ref, depth);
    std::string sql = "(CASE";
    for (const auto* e : entries)
        sql += std::string(" WHEN ") + row_ref + "." + e->when_column + " = '" + e->when_value + "' THEN " +
               owner_through(*e, row_ref, depth);
    return sql + " END)";
}

std::string owner_through(const UserDataTable& e, const std::string& row_ref, int depth) {
    if (is_user_itself(e)) return row_ref + "." + e.via_column;
    if (std::string(e.parent) == "users") return row_ref + "." + e.via_column;
    std::string p = "p" + std::to_string(depth);
    return "(SELECT " + owner_of(e.parent, p, depth + 1) + " FROM " + e.parent + " AS " + p + " WHERE " + p + "." +
           e.parent_column + " = " + row_ref + "." + e.via_column + ")";
}

// `table.via_column IN (...)` down to users.id = ?1, for the rows of `e`'s path.
std::string reach_condition(const UserDataTable& e, const std::string& row_ref) {
    std::string when = *e.when_column ? row_ref + "." + e.when_column + " = '" + e.when_value + "' AND " : "";
    if (is_user_itself(e) || std::string(e.parent) == "users") return when + row_ref + "." + e.via_column + " = ?1";
    auto parents = user_data_entries(e.parent);
    if (parents.empty()) throw std::logic_error(std::string("parent ") + e.parent + " of " + e.table + " is not in the list");
    std::string inner;
    for (const auto* pe : parents)
        inner += (inner.empty() ? "" : " OR ") + reach_condition(*pe, e.parent);
    return when + row_ref + "." + e.via_column + " IN (SELECT " + e.parent + "." + e.parent_column + " FROM " + e.parent +
           " WHERE " + inner + ")";
}

}  // namespace

std::string user_id_of_row_sql(const std::string& table, const std::string& row_ref) {
    return owner_of(table, row_ref, 1);
}

std::string user_rows_select_sql(const UserDataTable& e) {
    return std::string("SELECT * FROM ") + e.table + " WHERE " + reach_condition(e, e.table);
}

std::string row_user_inactive_sql(const std::string& table, const std::string& row_ref) {
    return "EXISTS (SELECT 1 FROM users u WHERE u.id = " + user_id_of_row_sql(table, row_ref) + " AND " +
           kUserInactiveSql + ")";
}

}  // namespace mj
