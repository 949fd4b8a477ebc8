// What belongs to a user, defined once (issue 14): every table that holds a user's data, how each
// of its rows is reached from users.id, the files that go with its rows, and what happens to the
// rows when the account is purged. Account deletion walks this list in order (children before
// parents, `users` last); account export reads it; the delivery jobs ask it whose a queue row is
// (access revocation at soft-delete). tests/unit/user_data_test.cpp walks the migrated schema and
// fails on a table that references a user (directly or through a listed parent) but is missing
// here, so a table added by a later migration cannot be forgotten. share/schema.md points here.
#pragma once
#include <string>
#include <vector>

namespace mj {

// What account deletion does with a table's rows of the user.
enum class UserRowFate {
    deleted,     // the rows go (in batches, before their parents)
    anonymised,  // the rows stay, their link to the user (via_column) becomes NULL: audit_logs
    kept,        // the rows stay as they are: account_deletions, the proof (ids only, no personal data)
};

struct UserDataTable {
    const char* table;
    // How a row is reached from users.id: `table.via_column = parent.parent_column`, and the parent
    // row belongs to the user (parent is "users", or a table listed later in this list).
    const char* via_column;       // "user_id", "domain_id", "item_id", ...
    const char* parent;           // "users", "domains", "failed_emails", ...
    const char* parent_column;    // "id"
    // Only the rows whose `when_column` holds `when_value` take this path ("" = every row):
    // job_attempts rows belong to the queue table named in item_table.
    const char* when_column;
    const char* when_value;
    std::vector<const char*> file_columns;  // columns holding a file path that goes with the row
    UserRowFate fate;
    const char* note;             // why, where it is not obvious ("" = none)
    // Columns account-export never writes (secrets: token and password hashes, webhook secrets,
    // verification tokens; and what is only ours: claim owners, archive paths). Every column whose
    // name says token, secret, hash or password is here or named harmless in
    // tests/unit/user_data_test.cpp, so a secret added later cannot leave in an export.
    std::vector<const char*> never_exported = {};
};

// Whether account-export leaves `column` of `entry`'s table out.
bool never_exported(const UserDataTable& entry, const std::string& column);

// Children before parents; `users` is the last entry. A table may appear more than once when its
// rows are reached by different paths (job_attempts: one entry per queue table).
const std::vector<UserDataTable>& user_data_tables();

// The entries of `table` (none when it holds no user's data).
std::vector<const UserDataTable*> user_data_entries(const std::string& table);

// An SQL expression for the users.id that owns the row `row_ref` (a table name or alias) of
// `table`, following the first entry of that table: "row_ref.user_id", or a subquery through the
// parents. Throws std::logic_error for a table not in the list.
std::string user_id_of_row_sql(const std::string& table, const std::string& row_ref);

// "SELECT * FROM table WHERE ..." of the rows of `table` that belong to user ?1 through `entry`
// (one path of the list): nested `via_column IN (SELECT parent_column FROM parent WHERE ...)`,
// each step on the index of its via column. The unit test prepares every one against the schema.
std::string user_rows_select_sql(const UserDataTable& entry);

// "The jobs do not act for this row's user" (BJ-18 immediate access revocation): the user who owns
// row `row_ref` of `table` is soft-deleted (deleted_at set) or not active (status 'suspended' or
// 'deleted'). A primary-key lookup in users per row; false for a row without an owner (an
// operator notice: user_id NULL).
std::string row_user_inactive_sql(const std::string& table, const std::string& row_ref);

// The users predicate itself, over users alias `u`: what the application writes to revoke access.
extern const char* const kUserInactiveSql;

}  // namespace mj
