#include "core/pg_db.h"

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>

#include "core/pg_schema.h"
#include "core/text.h"

namespace mj {
namespace {

// Type OIDs of pg_type (catalog/pg_type_d.h, stable since PostgreSQL 7).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

DbFailure failure_of(const std::string& sqlstate) {
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") return DbFailure::busy;
    if (sqlstate == "57014") return DbFailure::interrupted;
    return DbFailure::other;
}

std::string first_line(const char* text) {
    std::string s = text ? text : "";
    auto end = s.find('\n');
    if (end != std::string::npos) s.resize(end);
    return s;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A bytea in the server's hex output format ("\x6869") as its bytes.
std::string bytea_bytes(const char* text, int length) {
    if (length < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text, static_cast<size_t>(length));
    std::string out;
    out.reserve(static_cast<size_t>(length - 2) / 2);
    for (int i = 2; i + 1 < length; i += 2) out.push_back(static_cast<char>(hex_digit(text[i]) * 16 + hex_digit(text[i + 1])));
    return out;
}

// One prepared statement on the server, executed with text parameters (binary for a bytea, so a
// message's bytes go through unchanged) and read in text format.
class PgStatement final : public StatementBackend {
public:
    PgStatement(PgDb& db, const std::string& sql) : db_(db) {
        int params = 0;
        const std::string text = pg_placeholders(sql, &params);
        if (params > PgDb::kMaxParameters)  // see kMaxParameters: the describe below would drop the connection
            throw DbError(DbFailure::other, 0, "a statement with " + std::to_string(params) + " parameters (PostgreSQL backend: at most " +
                          std::to_string(PgDb::kMaxParameters) + ")");
        prepared_ = db_.prepared(text, params);
        values_.resize(prepared_->types.size());
        null_.assign(prepared_->types.size(), 1);
    }
    ~PgStatement() override { PQclear(result_); }

    void bind_int64(int pos, int64_t value) override { set(pos, std::to_string(value)); }
    void bind_double(int pos, double value) override {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", value);
        set(pos, buf);
    }
    void bind_text(int pos, const std::string& text) override { set(pos, text); }
    void bind_text(int pos, const char* text) override { set(pos, text); }
    void bind_null(int pos) override { slot(pos) = std::string(), null_[static_cast<size_t>(pos - 1)] = 1; }

    bool step() override {
        if (!executed_) {
            execute();
            row_ = 0;
        } else if (row_ < PQntuples(result_)) {
            ++row_;
        }
        return row_ < PQntuples(result_);
    }
    int exec() override {
        execute();
        row_ = PQntuples(result_);
        const char* n = PQcmdTuples(result_);
        return n && *n ? std::atoi(n) : 0;
    }
    void reset() override {
        PQclear(result_);
        result_ = nullptr;
        executed_ = false;
        row_ = 0;
    }
    ColumnType type_at(int i) override {
        if (!has_row() || i < 0 || i >= PQnfields(result_) || PQgetisnull(result_, row_, i)) return ColumnType::null;
        switch (PQftype(result_, i)) {
            case kBool:
            case kInt2:
            case kInt4:
            case kInt8:
            case kOid: return ColumnType::integer;
            case kFloat4:
            case kFloat8: return ColumnType::real;
            case kNumeric: return std::strpbrk(PQgetvalue(result_, row_, i), ".eE") ? ColumnType::real : ColumnType::integer;
            case kBytea: return ColumnType::blob;
            default: return ColumnType::text;
        }
    }
    int64_t int64_at(int i) override {
        const char* v = value(i);
        if (!v) return 0;
        const Oid t = PQftype(result_, i);
        if (t == kBool) return *v == 't' ? 1 : 0;
        if (t == kFloat4 || t == kFloat8 || t == kNumeric) return static_cast<int64_t>(std::strtod(v, nullptr));
        return std::strtoll(v, nullptr, 10);  // a text reads by its leading digits, as in SQLite
    }
    double double_at(int i) override {
        const char* v = value(i);
        if (!v) return 0;
        if (PQftype(result_, i) == kBool) return *v == 't' ? 1 : 0;
        return std::strtod(v, nullptr);
    }
    std::string text_at(int i) override {
        const char* v = value(i);
        if (!v) return "";
        const Oid t = PQftype(result_, i);
        if (t == kBool) return *v == 't' ? "1" : "0";
        if (t == kBytea) return bytea_bytes(v, PQgetlength(result_, row_, i));
        return std::string(v, static_cast<size_t>(PQgetlength(result_, row_, i)));
    }

private:
    std::string& slot(int pos) {
        if (pos < 1 || pos > static_cast<int>(values_.size()))
            throw DbError(DbFailure::other, 0, "bind position " + std::to_string(pos) + " out of range");
        return values_[static_cast<size_t>(pos - 1)];
    }
    void set(int pos, std::string v) {
        slot(pos) = std::move(v);
        null_[static_cast<size_t>(pos - 1)] = 0;
    }
    bool has_row() const { return result_ && executed_ && row_ < PQntuples(result_); }
    const char* value(int i) {
        if (!has_row() || i < 0 || i >= PQnfields(result_) || PQgetisnull(result_, row_, i)) return nullptr;
        return PQgetvalue(result_, row_, i);
    }
    void execute() {
        db_.before_statement();
        PQclear(result_);
        result_ = nullptr;
        const size_t n = values_.size();
        std::vector<const char*> ptrs(n);
        std::vector<int> lengths(n), formats(n);
        for (size_t i = 0; i < n; ++i) {
            // A text parameter travels NUL-terminated: a NUL inside would cut it short, silently.
            if (!null_[i] && prepared_->types[i] != kBytea && values_[i].find('\0') != std::string::npos)
                throw DbError(DbFailure::other, 0, "a text value holds a NUL byte, which PostgreSQL cannot store");
            // Bytes that are not UTF-8 (a receiver's reply): U+FFFD, unless copy-to asked for refusal.
            if (!null_[i] && prepared_->types[i] != kBytea && db_.replace_invalid_text() && !valid_utf8(values_[i]))
                values_[i] = with_invalid_utf8_replaced(values_[i]);
            ptrs[i] = null_[i] ? nullptr : values_[i].c_str();
            lengths[i] = static_cast<int>(values_[i].size());
            formats[i] = prepared_->types[i] == kBytea ? 1 : 0;
        }
        result_ = PQexecPrepared(db_.handle(), prepared_->name.c_str(), static_cast<int>(n), ptrs.data(), lengths.data(),
                                 formats.data(), 0);
        const ExecStatusType s = PQresultStatus(result_);
        executed_ = true;
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            DbError e = db_.failed(result_);
            PQclear(result_);
            result_ = nullptr;
            executed_ = false;
            throw e;
        }
    }

    PgDb& db_;
    std::shared_ptr<const PgDb::Prepared> prepared_;
    std::vector<std::string> values_;
    std::vector<char> null_;
    PGresult* result_ = nullptr;
    bool executed_ = false;
    int row_ = 0;
};

}  // namespace

std::string pg_placeholders(const std::string& sql, int* params) {
    std::string out;
    out.reserve(sql.size() + 8);
    int next = 0, highest = 0;
    for (size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {  // a literal or a quoted identifier, to its closing quote ('' inside)
            size_t end = i + 1;
            while (end < sql.size() && sql[end] != c) ++end;
            out.append(sql, i, end - i + 1);
            i = end;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            size_t end = sql.find('\n', i);
            if (end == std::string::npos) end = sql.size();
            out.append(sql, i, end - i);
            i = end - 1;
        } else if (c == '?') {
            size_t j = i + 1;
            int n = 0;
            while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
            if (j == i + 1) n = ++next;  // a bare ? is the one after the last
            else next = n;
            if (n > highest) highest = n;
            out += '$' + std::to_string(n);
            i = j - 1;
        } else {
            out += c;
        }
    }
    if (params) *params = highest;
    return out;
}

DbError pg_error(PGconn* conn, const PGresult* result) {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const std::string sqlstate = state ? state : "";
    std::string message = primary ? primary : first_line(PQerrorMessage(conn));
    if (message.empty()) message = "PostgreSQL: no answer";
    if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
    const int code = sqlstate.empty() ? 0 : static_cast<int>(std::strtol(sqlstate.c_str(), nullptr, 36));
    return DbError(failure_of(sqlstate), code, message);
}

PgDb::PgDb(const std::string& url, PGconn* conn, int64_t lock_timeout_ms) : Db(url), conn_(conn) {
    // The server's notices ("relation already exists, skipping") are not for the operator's
    // terminal or cron mail; libpq would print them on stderr.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    // UTC and UTF-8 whatever the server's defaults; lock_timeout is busy_timeout's promise.
    try {
        run("SET TIME ZONE 'UTC'");
        run("SET client_encoding = 'UTF8'");
        run("SET lock_timeout = " + std::to_string(lock_timeout_ms));
        // Every statement is planned for its values: a batch's LIMIT and time bounds decide
        // between the time index and a scan, and the generic plan PostgreSQL switches to after
        // five runs of a prepared statement knows neither (the purge's candidate select then
        // scanned the whole table for each batch of 50: 50 rows/s). Planning costs well under a
        // millisecond; a batch does one or two statements.
        run("SET plan_cache_mode = force_custom_plan");
    } catch (...) {
        PQfinish(conn_);  // no destructor runs for an object whose constructor threw
        throw;
    }
}

PgDb::~PgDb() {
    closing_ = true;  // the cached statements end with the connection
    prepared_.clear();
    PQfinish(conn_);
}

DbError PgDb::failed(const PGresult* result) {
    DbError e = pg_error(conn_, result);
    // The server stopped the statement at statement_timeout: the bound passed (Db::write then
    // throws TransactionTooLong).
    if (e.failure == DbFailure::interrupted && watching_) past_deadline();
    return e;
}

void PgDb::run(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        DbError e = failed(r);
        PQclear(r);
        throw e;
    }
    PQclear(r);
}

std::unique_ptr<StatementBackend> PgDb::prepare(const std::string& sql) { return std::make_unique<PgStatement>(*this, sql); }

PgDb::Prepared::~Prepared() {
    // In an aborted transaction DEALLOCATE fails too; the name is then freed with the connection
    // (names are never reused). Not transactional: a name prepared in a rolled-back one stays.
    if (db && !db->closing_) PQclear(PQexec(db->conn_, ("DEALLOCATE " + name).c_str()));
}

std::shared_ptr<const PgDb::Prepared> PgDb::prepared(const std::string& sql, int params) {
    if (auto it = prepared_.find(sql); it != prepared_.end()) {
        prepared_order_.splice(prepared_order_.end(), prepared_order_, it->second.second);
        return it->second.first;
    }
    auto p = std::make_shared<Prepared>();
    p->name = "mj" + std::to_string(++statements_);
    PGresult* r = PQprepare(conn_, p->name.c_str(), sql.c_str(), params, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        DbError e = pg_error(conn_, r);
        PQclear(r);
        throw e;
    }
    PQclear(r);
    p->db = this;  // from here on the name exists on the server: the destructor deallocates it
    r = PQdescribePrepared(conn_, p->name.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        DbError e = pg_error(conn_, r);
        PQclear(r);
        throw e;
    }
    const int n = PQnparams(r);
    p->types.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) p->types[static_cast<size_t>(i)] = PQparamtype(r, i);
    PQclear(r);
    if (prepared_.size() >= kPreparedCache) {  // the least recently used text leaves the cache
        prepared_.erase(prepared_order_.front());
        prepared_order_.pop_front();
    }
    prepared_order_.push_back(sql);
    prepared_.emplace(sql, std::make_pair(p, std::prev(prepared_order_.end())));
    return p;
}

int PgDb::exec(const std::string& sql) {
    before_statement();
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        DbError e = failed(r);
        PQclear(r);
        throw e;
    }
    const char* n = PQcmdTuples(r);
    const int changed = n && *n ? std::atoi(n) : 0;
    PQclear(r);
    return changed;
}

int64_t PgDb::last_insert_id() { return scalar("SELECT lastval()"); }

int PgDb::schema_version() {
    if (scalar("SELECT to_regclass('schema_version') IS NOT NULL") == 0) return 0;
    return static_cast<int>(scalar("SELECT max(version) FROM schema_version"));
}

void PgDb::set_schema_version(int version) {
    run("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)");
    run("DELETE FROM schema_version");
    run("INSERT INTO schema_version(version) VALUES (" + std::to_string(version) + ")");
}

void PgDb::set_up_for_jobs(int) {}

void PgDb::begin_write_lock(Lock lock) {
    run("BEGIN");
    if (lock == Lock::rows) return;
    try {
        run("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")");
    } catch (...) {
        try { run("ROLLBACK"); } catch (...) {}
        throw;
    }
}

void PgDb::commit_transaction() { run("COMMIT"); }
void PgDb::rollback_transaction() { run("ROLLBACK"); }
bool PgDb::in_transaction() { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

void PgDb::watch_deadline(bool on) {
    if (on) {
        watching_ = true;
        timeout_set_ms_ = 0;
        return;
    }
    watching_ = false;
    // COMMIT is never stopped by the bound (Db::end_bound); the setting ends with the transaction.
    if (timeout_set_ms_ != 0 && PQtransactionStatus(conn_) == PQTRANS_INTRANS) run("SET LOCAL statement_timeout = 0");
    timeout_set_ms_ = 0;
}

void PgDb::before_statement() {
    if (!watching_) return;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline() - std::chrono::steady_clock::now()).count() + 1;
    if (left <= 1 && past_deadline())
        throw DbError(DbFailure::interrupted, 0, "statement not started: the transaction passed max_transaction");
    // Each statement gets what is left of the bound, so the transaction as a whole stays inside it.
    if (timeout_set_ms_ == 0 || left < timeout_set_ms_) {
        run("SET LOCAL statement_timeout = " + std::to_string(left));
        timeout_set_ms_ = left;
    }
}

std::string PgDb::statement_problem(const std::string& sql, int expected_params) {
    int params = 0;
    const std::string text = pg_placeholders(sql, &params);
    if (params != expected_params) return "parameters (?, :name) are not allowed";
    PGresult* r = PQprepare(conn_, "", text.c_str(), 0, nullptr);
    std::string why;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) why = pg_error(conn_, r).what();
    PQclear(r);
    return why;
}

void PgDb::set_query_only(bool on) { run(on ? "SET default_transaction_read_only = on" : "SET default_transaction_read_only = off"); }

std::vector<std::string> PgDb::column_names(const std::string& table) {
    std::vector<std::string> out;
    Statement q(*this, "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?1) AND attnum > 0 "
                       "AND NOT attisdropped ORDER BY attnum");
    q.bind(1, table);
    while (q.step()) out.push_back(q.column(0).as_text());
    return out;
}

std::vector<std::string> PgDb::row_key(const std::string& table) {
    std::vector<std::string> out;
    Statement q(*this, "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
                       "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                       "WHERE i.indrelid = to_regclass(?1) AND i.indisprimary ORDER BY k.n");
    q.bind(1, table);
    while (q.step()) out.push_back(q.column(0).as_text());
    if (out.empty()) out.push_back("ctid");  // no primary key: the row's place, stable within a batch
    return out;
}

std::vector<std::string> PgDb::index_leading_with(const std::string& table, const std::string& column) {
    Statement pick(*this, "SELECT i.indexrelid FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
                          "WHERE i.indrelid = to_regclass(?1) AND lower(a.attname) = lower(?2) AND i.indpred IS NULL "
                          "AND i.indexprs IS NULL ORDER BY i.indnatts, i.indexrelid::regclass::text LIMIT 1");
    pick.bind(1, table);
    pick.bind(2, column);
    if (!pick.step()) return {};
    const int64_t index = pick.column(0).as_int64();
    std::vector<std::string> out;
    Statement q(*this, "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
                       "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                       "WHERE i.indexrelid = ?1 ORDER BY k.n");
    q.bind(1, index);
    while (q.step()) out.push_back(q.column(0).as_text());
    return out;
}

bool PgDb::has_index_leading_with(const std::string& table, const std::string& column) {
    return !index_leading_with(table, column).empty();
}

// The PostgreSQL schema makes the queue indexes partial from the start (core/pg_schema.cpp), and
// the server rewrites an index's text (pg_get_indexdef), so "as made" is: it exists and is partial.
bool PgDb::has_index_as(const std::string& name, const std::string&) {
    return scalar("SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass(?1) AND indpred IS NOT NULL", name) != 0;
}

std::map<std::string, Db::TableBytes> PgDb::table_bytes() {
    std::map<std::string, TableBytes> out;
    Statement q(*this, "SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
                       "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'");
    while (q.step()) out[q.column(0).as_text()] = TableBytes{q.column(1).as_int64(), q.column(2).as_int64()};
    return out;
}

std::vector<std::string> PgDb::table_names() {
    std::vector<std::string> out;
    Statement q(*this, "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
                       "AND c.relkind = 'r' ORDER BY c.oid");
    while (q.step()) out.push_back(q.column(0).as_text());
    return out;
}

std::vector<std::string> PgDb::self_referencing_columns(const std::string& table) {
    std::vector<std::string> out;
    Statement q(*this, "SELECT a.attname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
                       "AND a.attnum = ANY(c.conkey) WHERE c.contype = 'f' AND c.conrelid = to_regclass(?1) "
                       "AND c.confrelid = c.conrelid ORDER BY a.attnum");
    q.bind(1, table);
    while (q.step()) out.push_back(q.column(0).as_text());
    return out;
}

int64_t PgDb::id_high_water(const std::string& table) {
    if (scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass(?1) AND attname = 'id' AND NOT attisdropped", table) == 0)
        return 0;
    const int64_t top = scalar("SELECT coalesce(max(id), 0) FROM \"" + table + "\"");
    Statement q(*this, "SELECT pg_get_serial_sequence(?1, 'id')");
    q.bind(1, table);
    if (!q.step() || q.column(0).is_null()) return top;
    const std::string seq = q.column(0).as_text();
    q.reset();
    return std::max(top, scalar("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + seq));
}

void PgDb::raise_id_high_water(const std::string& table, int64_t id) {
    if (id <= 0) return;
    Statement q(*this, "SELECT setval(s::regclass, ?2) FROM (SELECT pg_get_serial_sequence(?1, 'id') AS s) AS q WHERE s IS NOT NULL");
    q.bind(1, table);
    q.bind(2, id);
    while (q.step()) {}
}

const std::vector<Migration>& PgDb::schema_migrations() { return pg_migrations(); }

bool PgDb::column_not_null(const std::string& table, const std::string& column) {
    return scalar("SELECT attnotnull FROM pg_attribute WHERE attrelid = to_regclass(?1) AND attname = ?2", table, column) != 0;
}

int64_t PgDb::page_size() { return scalar("SELECT current_setting('block_size')::bigint"); }
int64_t PgDb::page_count() { return scalar("SELECT pg_database_size(current_database()) / current_setting('block_size')::bigint"); }

std::unique_ptr<DbCopy> PgDb::copy_to(const std::string&) {
    throw DbError(DbFailure::other, 0,
                  "a backup copies a SQLite file; back up a PostgreSQL database with pg_dump (README \"Beyond one host\")");
}

}  // namespace mj
