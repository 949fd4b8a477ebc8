#include "core/sqlite_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "core/migrations.h"

namespace mj {
namespace {

DbFailure failure_of(int code) {
    switch (code & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED: return DbFailure::busy;
        case SQLITE_INTERRUPT: return DbFailure::interrupted;
        default: return DbFailure::other;
    }
}

// Runs f(), with SQLiteCpp's exceptions turned into the layer's (zero cost when nothing throws).
template <class F>
auto translated(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const SQLite::Exception& e) {
        throw db_error(e);
    }
}

// One prepared statement: SQLiteCpp's, so binding, stepping and errors behave exactly as before.
class SqliteStatement final : public StatementBackend {
public:
    SqliteStatement(SQLite::Database& db, const std::string& sql) : st_(db, sql) {}

    void bind_int64(int pos, int64_t value) override { translated([&] { st_.bind(pos, value); }); }
    void bind_double(int pos, double value) override { translated([&] { st_.bind(pos, value); }); }
    void bind_text(int pos, const std::string& text) override { translated([&] { st_.bind(pos, text); }); }
    void bind_text(int pos, const char* text) override { translated([&] { st_.bind(pos, text); }); }
    void bind_null(int pos) override { translated([&] { st_.bind(pos); }); }
    bool step() override { return translated([&] { return st_.executeStep(); }); }
    int exec() override { return translated([&] { return st_.exec(); }); }
    void reset() override { translated([&] { st_.reset(); }); }
    ColumnType type_at(int i) override {
        switch (translated([&] { return st_.getColumn(i).getType(); })) {
            case SQLITE_INTEGER: return ColumnType::integer;
            case SQLITE_FLOAT: return ColumnType::real;
            case SQLITE_TEXT: return ColumnType::text;
            case SQLITE_BLOB: return ColumnType::blob;
            default: return ColumnType::null;
        }
    }
    int64_t int64_at(int i) override { return translated([&] { return st_.getColumn(i).getInt64(); }); }
    double double_at(int i) override { return translated([&] { return st_.getColumn(i).getDouble(); }); }
    std::string text_at(int i) override { return translated([&] { return st_.getColumn(i).getString(); }); }

private:
    SQLite::Statement st_;
};

}  // namespace

DbError db_error(const SQLite::Exception& e) {
    const int code = e.getExtendedErrorCode() >= 0 ? e.getExtendedErrorCode() : e.getErrorCode();
    return DbError(failure_of(e.getErrorCode() >= 0 ? e.getErrorCode() : 0), code, e.what());
}

SQLite::Database& sqlite_handle(Db& db) { return dynamic_cast<SqliteDb&>(db).handle(); }

SqliteDb::SqliteDb(const std::string& path, int flags, int64_t busy_timeout_ms)
    : Db(path), db_(translated([&] { return SQLite::Database(path, flags); })) {
    translated([&] { db_.setBusyTimeout(static_cast<int>(busy_timeout_ms)); });
}

std::unique_ptr<StatementBackend> SqliteDb::prepare(const std::string& sql) {
    return translated([&] { return std::make_unique<SqliteStatement>(db_, sql); });
}

int SqliteDb::exec(const std::string& sql) { return translated([&] { return db_.exec(sql); }); }

int64_t SqliteDb::last_insert_id() { return db_.getLastInsertRowid(); }

int SqliteDb::schema_version() { return static_cast<int>(scalar("PRAGMA user_version")); }

void SqliteDb::set_schema_version(int version) { exec("PRAGMA user_version = " + std::to_string(version)); }

void SqliteDb::set_up_for_jobs(int schema_version) {
    if (schema_version == 0 && scalar("SELECT count(*) FROM sqlite_master") == 0) exec("PRAGMA auto_vacuum = INCREMENTAL");
    exec("PRAGMA journal_mode = WAL");
    // NORMAL is durable across process crashes in WAL mode (the case cron kills produce);
    // only a power loss can drop the last commits, never corrupt the file.
    exec("PRAGMA synchronous = NORMAL");
    exec("PRAGMA foreign_keys = ON");
}

void SqliteDb::begin_write_lock(Lock) { exec("BEGIN IMMEDIATE"); }
void SqliteDb::commit_transaction() { exec("COMMIT"); }
void SqliteDb::rollback_transaction() { exec("ROLLBACK"); }
bool SqliteDb::in_transaction() { return !sqlite3_get_autocommit(db_.getHandle()); }

int SqliteDb::progress(void* self) {
    return static_cast<SqliteDb*>(self)->past_deadline() ? 1 : 0;  // 1: SQLite stops the statement with SQLITE_INTERRUPT
}

void SqliteDb::watch_deadline(bool on) {
    if (on) sqlite3_progress_handler(db_.getHandle(), kProgressOps, &SqliteDb::progress, this);
    else sqlite3_progress_handler(db_.getHandle(), 0, nullptr, nullptr);
}

std::string SqliteDb::statement_problem(const std::string& sql, int expected_params) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db_.getHandle(), sql.c_str(), static_cast<int>(sql.size()), &stmt, &tail);
    std::string why;
    if (rc != SQLITE_OK) why = sqlite3_errmsg(db_.getHandle());
    else if (tail && *tail) why = "unexpected text after the condition";
    else if (sqlite3_bind_parameter_count(stmt) != expected_params) why = "parameters (?, :name) are not allowed";
    sqlite3_finalize(stmt);
    return why;
}

std::vector<std::string> SqliteDb::column_names(const std::string& table) {
    std::vector<std::string> out;
    Statement q(*this, "SELECT name FROM pragma_table_info(?1)");
    q.bind(1, table);
    while (q.step()) out.push_back(q.column(0).as_text());
    return out;
}

std::vector<std::string> SqliteDb::row_key(const std::string& table) {
    Statement w(*this, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1 AND sql LIKE '%WITHOUT ROWID%'");
    w.bind(1, table);
    if (!w.step() || w.column(0).as_int64() == 0) return {"rowid"};
    std::vector<std::string> out;
    Statement q(*this, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk");
    q.bind(1, table);
    while (q.step()) out.push_back(q.column(0).as_text());
    return out;
}

std::vector<std::string> SqliteDb::index_leading_with(const std::string& table, const std::string& column) {
    Statement q(*this, "SELECT l.name FROM pragma_index_list(?1) AS l, pragma_index_info(l.name) AS i "
                       "WHERE i.seqno = 0 AND i.name = ?2 COLLATE NOCASE AND l.partial = 0 "
                       "ORDER BY (SELECT count(*) FROM pragma_index_info(l.name)), l.name LIMIT 1");
    q.bind(1, table);
    q.bind(2, column);
    if (!q.step()) return {};
    const std::string index = q.column(0).as_text();
    q.reset();
    std::vector<std::string> out;
    Statement c(*this, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno");
    c.bind(1, index);
    while (c.step()) out.push_back(c.column(0).as_text());
    return out;
}

bool SqliteDb::column_not_null(const std::string& table, const std::string& column) {
    Statement q(*this, "SELECT \"notnull\" OR pk > 0 FROM pragma_table_info(?1) WHERE name = ?2");
    q.bind(1, table);
    q.bind(2, column);
    return q.step() && q.column(0).as_int64() != 0;
}

bool SqliteDb::has_index_leading_with(const std::string& table, const std::string& column) {
    Statement q(*this, "SELECT 1 FROM pragma_index_list(?1) AS l, pragma_index_info(l.name) AS i "
                       "WHERE i.seqno = 0 AND i.name = ?2 COLLATE NOCASE AND l.partial = 0");
    q.bind(1, table);
    q.bind(2, column);
    return q.step();
}

bool SqliteDb::has_index_as(const std::string& name, const std::string& create_sql) {
    Statement q(*this, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1");
    q.bind(1, name);
    return q.step() && !q.column(0).is_null() && q.column(0).as_text() == create_sql;
}

std::map<std::string, Db::TableBytes> SqliteDb::table_bytes() {
    std::map<std::string, int64_t> btree;  // b-tree name (table or index) -> bytes
    Statement q(*this, "SELECT name, pgsize FROM dbstat WHERE aggregate = 1");
    while (q.step()) btree[q.column(0).as_text()] = q.column(1).as_int64();
    std::map<std::string, TableBytes> out;
    // Index bytes belong to their table (sqlite_master.tbl_name), autoindexes included.
    Statement s(*this, "SELECT name, tbl_name, type FROM sqlite_master WHERE type IN ('table', 'index')");
    while (s.step()) {
        TableBytes& t = out[s.column(1).as_text()];
        (s.column(2).as_text() == "table" ? t.table : t.indexes) += btree[s.column(0).as_text()];
    }
    return out;
}

std::vector<std::string> SqliteDb::table_names() {
    std::vector<std::string> out;
    Statement q(*this, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid");
    while (q.step()) out.push_back(q.column(0).as_text());
    return out;
}

std::vector<std::string> SqliteDb::self_referencing_columns(const std::string& table) {
    std::vector<std::string> out;
    Statement q(*this, "SELECT \"from\" FROM pragma_foreign_key_list(?1) WHERE \"table\" = ?1 COLLATE NOCASE");
    q.bind(1, table);
    while (q.step()) out.push_back(q.column(0).as_text());
    return out;
}

int64_t SqliteDb::id_high_water(const std::string& table) {
    const auto columns = column_names(table);
    const bool has_id = std::find(columns.begin(), columns.end(), "id") != columns.end();
    int64_t top = has_id ? scalar("SELECT coalesce(max(id), 0) FROM \"" + table + "\"") : 0;
    if (scalar("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'") != 0)
        top = std::max(top, scalar("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = ?1", table));
    return top;
}

void SqliteDb::raise_id_high_water(const std::string& table, int64_t id) {
    // Only AUTOINCREMENT tables remember more than max(id); the others follow their rows.
    if (scalar("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'") == 0) return;
    Statement q(*this, "UPDATE sqlite_sequence SET seq = ?2 WHERE name = ?1 AND seq < ?2");
    q.bind(1, table);
    q.bind(2, id);
    q.exec();
}

const std::vector<Migration>& SqliteDb::schema_migrations() { return migrations(); }

void SqliteDb::set_query_only(bool on) { exec(on ? "PRAGMA query_only = 1" : "PRAGMA query_only = 0"); }

int64_t SqliteDb::page_size() { return scalar("PRAGMA page_size"); }
int64_t SqliteDb::page_count() { return scalar("PRAGMA page_count"); }
int64_t SqliteDb::free_pages() { return scalar("PRAGMA freelist_count"); }
Db::AutoVacuum SqliteDb::auto_vacuum() { return static_cast<AutoVacuum>(scalar("PRAGMA auto_vacuum")); }
void SqliteDb::release_free_pages(int64_t pages) { exec("PRAGMA incremental_vacuum(" + std::to_string(pages) + ")"); }
void SqliteDb::checkpoint_wal() { exec("PRAGMA wal_checkpoint(PASSIVE)"); }

Db::SecureDelete SqliteDb::secure_delete() { return static_cast<SecureDelete>(scalar("PRAGMA secure_delete")); }
void SqliteDb::set_secure_delete(SecureDelete mode) {
    exec(mode == SecureDelete::fast ? "PRAGMA secure_delete = FAST" : mode == SecureDelete::on ? "PRAGMA secure_delete = ON"
                                                                                               : "PRAGMA secure_delete = OFF");
}
int64_t SqliteDb::cache_size() { return scalar("PRAGMA cache_size"); }
void SqliteDb::set_cache_size(int64_t size) { exec("PRAGMA cache_size = " + std::to_string(size)); }

bool SqliteDb::wal_mode() {
    Statement q(*this, "PRAGMA journal_mode");
    return q.step() && q.column(0).as_text() == "wal";
}

int64_t SqliteDb::wal_autocheckpoint() { return scalar("PRAGMA wal_autocheckpoint"); }
void SqliteDb::set_wal_autocheckpoint(int64_t pages) {
    exec("PRAGMA wal_autocheckpoint = " + std::to_string(pages));  // reinstalls SQLite's own hook
    wal_hook_ = nullptr;
    wal_hook_arg_ = nullptr;
}

int SqliteDb::wal_committed(void* self, ::sqlite3*, const char*, int frames) {
    auto* db = static_cast<SqliteDb*>(self);
    if (db->wal_hook_) db->wal_hook_(db->wal_hook_arg_, frames);
    return SQLITE_OK;
}

void SqliteDb::set_wal_commit_hook(WalCommitHook hook, void* arg) {
    wal_hook_ = hook;
    wal_hook_arg_ = arg;
    // Installing a WAL hook replaces the automatic checkpoint (they share the hook).
    sqlite3_wal_hook(db_.getHandle(), &SqliteDb::wal_committed, this);
}

}  // namespace mj
