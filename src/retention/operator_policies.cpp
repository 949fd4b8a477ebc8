#include "retention/operator_policies.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "core/migrations.h"
#include "retention/sql_text.h"

namespace mj {
namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Tables mailjobs needs in order to run at all (leases, schedule state) and SQLite's own: never.
bool reserved_table(const std::string& name) {
    std::string n = lower(name);
    return n.rfind("sqlite_", 0) == 0 || n == "job_locks" || n == "job_state";
}

// Every table of mailjobs' schema (the tables its migrations create: users, audit_logs, job_runs,
// the mail and log tables...) has rules of its own, kept by the job that owns it (critical audit
// rows for 7 years, the newest run of each job, forwards still scheduled for retry...). A policy
// would bypass them, so it needs allow_protected_table = true. Application tables (app_*, or any
// other table mailjobs did not create) are the intended use and stay allowed, as do the tables
// share/schema.md ("Retention at a glance") leaves to an operator policy.
bool protected_table(const std::string& name) {
    static const std::vector<std::string> own = [] {
        auto fresh = Db::open_scratch();
        for (const auto& m : migrations()) fresh->exec(m.sql);
        std::vector<std::string> out;
        Statement q(*fresh, "SELECT lower(name) FROM sqlite_master WHERE type = 'table'");
        while (q.step()) out.push_back(q.column(0).as_text());
        return out;
    }();
    const std::string n = lower(name);
    if (n == "notification_outbox" || n == "usage_threshold_events" || n == "bandwidth_usage") return false;
    return std::find(own.begin(), own.end(), n) != own.end();
}

// Where a value came from, in the form every config problem uses ("jobs.ini:12", "env NAME").
std::string origin_of(const Config& c, const std::string& section, const std::string& key) {
    const Value& v = c.value(section, key);
    if (v.origin == "env") {
        std::string n = "MAILJOBS_" + section + "_" + key;
        for (auto& ch : n) ch = (ch == '.' || ch == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        return "env " + n;
    }
    if (v.origin == "cli") return "--set";
    if (v.origin == "default") return c.file().empty() ? "configuration" : c.file();
    return v.origin;
}

void check_one(Db& db, const Config& c, const std::string& s, std::vector<ConfigProblem>& out) {
    std::string table = c.str(s, "table");
    const std::string& column = c.str(s, "time_column");
    const std::string& where = c.str(s, "where");
    if (table.empty() || column.empty()) return;  // Config::load reported the missing key
    auto problem = [&](const std::string& key, const std::string& msg) { out.push_back({origin_of(c, s, key), "[" + s + "] " + msg}); };

    // The table: an existing table with an integer row key that mailjobs does not need for itself.
    // Named without case, as SQLite does; from here on by its name in the schema.
    const std::vector<std::string> tables = db.table_names();
    auto named = std::find_if(tables.begin(), tables.end(), [&](const std::string& n) { return lower(n) == lower(table); });
    if (named == tables.end()) {
        // Not a table, but something a SELECT reads: a view.
        if (db.statement_problem("SELECT * FROM " + quote_ident(table) + " LIMIT 0", 0).empty())
            return problem("table", "'" + table + "' is a view; name the table it reads");
        std::string hint = did_you_mean(table, tables);
        problem("table", "table '" + table + "' does not exist" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        return;
    }
    table = *named;
    if (reserved_table(table)) return problem("table", "table '" + table + "' is managed by mailjobs and cannot have a retention policy");
    if (protected_table(table) && !c.boolean(s, "allow_protected_table"))
        return problem("table", "table '" + table + "' belongs to mailjobs' schema and is purged by its own job's rules "
                                "(share/schema.md); set allow_protected_table = true in [" + s + "] to purge it anyway");
    const std::vector<std::string> key = db.row_key(table);  // the engine deletes by it (retention/engine.cpp)
    if (key.size() != 1 || key[0] == "ctid" || (key[0] != "rowid" && db.is_file()))
        return problem("table", "table '" + table + "' is a WITHOUT ROWID table or has no single-column primary key; "
                                "retention policies need rowid tables (PostgreSQL: an integer primary key)");

    // The time column.
    auto columns = db.column_names(table);
    bool found = std::any_of(columns.begin(), columns.end(), [&](const std::string& n) { return lower(n) == lower(column); });
    if (!found) {
        std::string hint = did_you_mean(column, columns);
        problem("time_column", "column '" + column + "' does not exist in table '" + table + "'" +
                                   (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        return;
    }
    // Text dates sort after every number and would never be older than the cutoff: refuse them.
    // Only read through an index (max() is one seek), so opening the database never scans a table.
    if (db.has_index_leading_with(table, column)) {
        Statement v(db, "SELECT max(" + quote_ident(column) + ") FROM " + quote_ident(table));
        const bool step = v.step();
        if (step && (v.column(0).type() == ColumnType::text || v.column(0).type() == ColumnType::blob))
            problem("time_column", "column '" + column + "' holds text ('" + v.column(0).as_text().substr(0, 30) +
                                       "'); time_column must hold INTEGER unix seconds");
    }

    // The condition.
    if (where.empty()) return;
    std::string why = where_shape_problem(where);
    if (why.empty())
        why = db.statement_problem("SELECT " + key[0] + " FROM " + quote_ident(table) + " WHERE " + quote_ident(column) + " < ?1 AND (" +
                                   where + ")", 1);
    if (!why.empty()) problem("where", "where '" + where + "' does not work: " + why);
}

}  // namespace

std::string where_shape_problem(const std::string& where) {
    int depth = 0;
    bool any = false;
    for (size_t i = 0; i < where.size(); ++i) {
        char ch = where[i];
        if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
            char close = ch == '[' ? ']' : ch;
            size_t end = where.find(close, i + 1);
            // a doubled quote inside a quoted text is an escaped quote
            while (end != std::string::npos && close != ']' && end + 1 < where.size() && where[end + 1] == close)
                end = where.find(close, end + 2);
            if (end == std::string::npos) return "unterminated quote";
            i = end;
            any = true;
            continue;
        }
        if (ch == ';') return "';' is not allowed (one condition only)";
        // Parameter markers (?, ?1, :name, @name, $name) are refused here, outside quotes, not
        // only by counting parameters after preparing: `?1` is the cutoff's own marker in the
        // engine's statement, so it would bind to the cutoff and pass the count.
        auto ident = [&](size_t k) {
            return k < where.size() && (std::isalnum(static_cast<unsigned char>(where[k])) || where[k] == '_' ||
                                        static_cast<unsigned char>(where[k]) >= 0x80);
        };
        if (ch == '?' || ((ch == ':' || ch == '@') && ident(i + 1)) || (ch == '$' && ident(i + 1) && !(i > 0 && ident(i - 1))))
            return "parameters (?, ?1, :name, @name, $name) are not allowed";
        if ((ch == '-' && i + 1 < where.size() && where[i + 1] == '-') ||
            (ch == '/' && i + 1 < where.size() && where[i + 1] == '*'))
            return "comments are not allowed";
        if (ch == '(') ++depth;
        if (ch == ')' && --depth < 0) return "unbalanced ')'";
        if (!std::isspace(static_cast<unsigned char>(ch))) any = true;
    }
    if (depth != 0) return "unbalanced '('";
    if (!any) return "empty condition";
    return "";
}

Policy operator_policy(const Config& config, const std::string& section, int64_t now,
                       std::optional<int64_t> older_than_override) {
    Policy p;
    p.table = config.str(section, "table");
    p.name = p.table;  // counts per table, like every built-in job
    p.time_column = config.str(section, "time_column");
    p.cutoff = now - (older_than_override ? *older_than_override : config.duration(section, "older_than"));
    p.filter = config.str(section, "where");
    p.batch_size = config.integer(section, "batch_size");
    return p;
}

std::vector<ConfigProblem> check_operator_policies(Db& schema, const Config& config) {
    std::vector<ConfigProblem> out;
    for (const auto& s : config.retention_sections()) check_one(schema, config, s, out);
    return out;
}

std::vector<ConfigProblem> check_operator_policies_for(const std::string& path, const Config& config, int64_t busy_timeout_ms) {
    if (config.retention_sections().empty()) return {};
    const int latest = migrations().empty() ? 0 : migrations().back().version;
    if (!Db::is_server(path) && access(path.c_str(), F_OK) != 0) {  // a file that is not there yet
        auto fresh = Db::open_scratch();
        for (const auto& m : migrations()) fresh->exec(m.sql);
        return check_operator_policies(*fresh, config);
    }
    try {
        auto db = Db::open_plain(path, busy_timeout_ms, Db::Access::read_write);
        const int version = db->schema_version();
        if (version > latest) return {};  // refused by Db::open
        if (version == latest) return check_operator_policies(*db, config);
        // The tables of pending migrations exist only inside this transaction, which is rolled back
        // (a savepoint would end in RELEASE, a commit that rewrites the header's change counter).
        db->exec("BEGIN");
        std::vector<ConfigProblem> out;
        try {
            for (const auto& m : db->pending_migrations_source())  // this backend's DDL
                if (m.version > version) db->exec(m.sql);
            out = check_operator_policies(*db, config);
        } catch (...) {
            db->exec("ROLLBACK");
            throw;
        }
        db->exec("ROLLBACK");
        return out;
    } catch (const DbError&) {
        return {};  // not a database, read-only, locked...: Db::open says so with its exit code
    }
}

std::vector<ConfigProblem> check_operator_policies_read_only(const std::string& path, const Config& config,
                                                             int64_t busy_timeout_ms, std::string* note) {
    if (config.retention_sections().empty()) return {};
    const int latest = migrations().empty() ? 0 : migrations().back().version;
    auto fresh_schema = [&] {
        auto fresh = Db::open_scratch();
        for (const auto& m : migrations()) fresh->exec(m.sql);
        return check_operator_policies(*fresh, config);
    };
    if (!Db::is_server(path) && access(path.c_str(), F_OK) != 0) {  // a file that is not there yet
        *note = "database " + path + " does not exist yet: policies checked against the tables a new database gets";
        return fresh_schema();
    }
    try {
        // Read-only: never creates the file and never writes it.
        auto db = Db::open_plain(path, busy_timeout_ms, Db::Access::read_only);
        const int version = db->schema_version();
        if (version > latest) {
            *note = "database " + path + " has a newer schema than this binary: policies not checked";
            return {};
        }
        if (version == latest) return check_operator_policies(*db, config);
        // Pending migrations: their tables exist only after migrating, which this must not do to
        // the file. Copy the schema (no rows) into memory and migrate that copy.
        auto copy = Db::open_scratch();
        Statement q(*db, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                         "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 1 ELSE 2 END, rowid");
        while (q.step()) copy->exec(q.column(0).as_text());
        for (const auto& m : migrations())
            if (m.version > version) copy->exec(m.sql);
        *note = "database " + path + " needs migrations: policies checked against its migrated schema (time_column contents not read)";
        return check_operator_policies(*copy, config);
    } catch (const DbError& e) {
        *note = "database " + path + " cannot be read (" + e.what() + "): policies not checked";
        return {};
    }
}

}  // namespace mj
