#include "core/copy_database.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "core/error.h"
#include "core/pg_db.h"

namespace mj {
namespace {

// One value as read from the source, bound as it was (an integer stays an integer).
struct Value {
    ColumnType type = ColumnType::null;
    int64_t i = 0;
    double d = 0;
    std::string s;
};

Value read_value(const Statement& q, int c) {
    Value v;
    v.type = q.column(c).type();
    switch (v.type) {
        case ColumnType::integer: v.i = q.column(c).as_int64(); break;
        case ColumnType::real: v.d = q.column(c).as_double(); break;
        case ColumnType::text:
        case ColumnType::blob: v.s = q.column(c).as_text(); break;
        case ColumnType::null: break;
    }
    return v;
}

void bind_value(Statement& q, int pos, const Value& v) {
    switch (v.type) {
        case ColumnType::integer: q.bind(pos, v.i); break;
        case ColumnType::real: q.bind(pos, v.d); break;
        case ColumnType::text:
        case ColumnType::blob: q.bind(pos, v.s); break;
        case ColumnType::null: q.bind(pos); break;
    }
}

std::string ident(const std::string& name) {
    std::string s = "\"";
    for (char c : name) s += c == '"' ? std::string("\"\"") : std::string(1, c);
    return s + "\"";
}

std::string joined(const std::vector<std::string>& names, const std::string& sep = ", ") {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : sep) + ident(n);
    return s;
}

// "(a, b) > (?1, ?2)" (row values: SQLite 3.15+, PostgreSQL), or "a > ?1" for one column.
std::string after_key(const std::vector<std::string>& key) {
    std::string params;
    for (size_t i = 0; i < key.size(); ++i) params += (i ? ", ?" : "?") + std::to_string(i + 1);
    if (key.size() == 1) return ident(key[0]) + " > " + params;
    return "(" + joined(key) + ") > (" + params + ")";
}

nlohmann::json key_json(const std::vector<Value>& row, const std::vector<size_t>& key_at) {
    nlohmann::json k = nlohmann::json::array();
    for (size_t i : key_at) {
        const Value& v = row[i];
        if (v.type == ColumnType::integer) k.push_back(v.i);
        else if (v.type == ColumnType::real) k.push_back(v.d);
        else k.push_back(v.s);
    }
    return k;
}

void bind_key(Statement& q, const nlohmann::json& key) {
    int pos = 0;
    for (const auto& k : key) {
        ++pos;
        if (k.is_number_integer()) q.bind(pos, k.get<int64_t>());
        else if (k.is_number()) q.bind(pos, k.get<double>());
        else q.bind(pos, k.get<std::string>());
    }
}

std::string key_text(const std::vector<std::string>& key, const nlohmann::json& values) {
    std::string s;
    for (size_t i = 0; i < key.size() && i < values.size(); ++i)
        s += (i ? ", " : "") + key[i] + "=" + (values[i].is_string() ? values[i].get<std::string>() : values[i].dump());
    return s;
}

// A row's contribution to the checksum: SHA-256 over each value as type class and text (an
// integer as decimal, a real as %.17g, a text or blob as its bytes), two 64-bit halves of it.
void add_row_hash(const Statement& q, int columns, uint64_t sum[2]) {
    std::string buf;
    for (int c = 0; c < columns; ++c) {
        const Value v = read_value(q, c);
        char num[40];
        switch (v.type) {
            case ColumnType::null: buf += "n;"; break;
            case ColumnType::integer: buf += "i" + std::to_string(v.i) + ";"; break;
            case ColumnType::real:
                std::snprintf(num, sizeof num, "%.17g", v.d);
                buf += std::string("r") + num + ";";
                break;
            case ColumnType::text:
            case ColumnType::blob: buf += "s" + std::to_string(v.s.size()) + ":" + v.s + ";"; break;
        }
    }
    const std::string h = sha256_hex(buf);
    sum[0] += std::stoull(h.substr(0, 16), nullptr, 16);
    sum[1] += std::stoull(h.substr(16, 16), nullptr, 16);
}

struct Progress {
    bool exists = false;
    nlohmann::json last_key;  // null: nothing copied yet
    int64_t rows = 0;
    std::string phase = "rows";  // rows -> links (self-references) -> done
};

Progress load_progress(Db& to, const std::string& table) {
    Progress p;
    Statement q(to, "SELECT last_key, rows, phase FROM copy_progress WHERE table_name = ?1");
    q.bind(1, table);
    if (!q.step()) return p;
    p.exists = true;
    p.last_key = q.column(0).is_null() ? nlohmann::json() : nlohmann::json::parse(q.column(0).as_text());
    p.rows = q.column(1).as_int64();
    p.phase = q.column(2).as_text();
    return p;
}

void save_progress(Db& to, const std::string& table, const Progress& p) {
    Statement q(to, "INSERT INTO copy_progress(table_name, last_key, rows, phase, updated_at) VALUES(?1, ?2, ?3, ?4, ?5) "
                    "ON CONFLICT(table_name) DO UPDATE SET last_key = excluded.last_key, rows = excluded.rows, "
                    "phase = excluded.phase, updated_at = excluded.updated_at");
    q.bind(1, table);
    if (p.last_key.is_null()) q.bind(2);
    else q.bind(2, p.last_key.dump());
    q.bind(3, p.rows);
    q.bind(4, p.phase);
    q.bind(5, static_cast<int64_t>(std::time(nullptr)));
    q.exec();
}

class TableCopier {
public:
    TableCopier(Db& from, Db& to, const std::string& table, const std::vector<std::string>& columns,
                const std::vector<std::string>& key, const CopyOptions& options)
        : from_(from), to_(to), table_(table), columns_(columns), key_(key), options_(options) {
        for (const auto& k : key_) key_at_.push_back(static_cast<size_t>(std::find(columns_.begin(), columns_.end(), k) - columns_.begin()));
        for (const auto& c : from_.self_referencing_columns(table_)) {
            auto it = std::find(columns_.begin(), columns_.end(), c);
            if (it != columns_.end()) self_at_.insert(static_cast<size_t>(it - columns_.begin()));
        }
    }

    TableCopy run(int64_t total) {
        TableCopy r;
        r.table = table_;
        r.rows = total;
        Progress p = load_progress(to_, table_);
        r.resumed = p.exists && p.rows > 0;
        // One multi-row INSERT a batch, up to the parameters one statement takes (PgDb::kMaxParameters).
        int64_t batch = std::max<int64_t>(1, std::min<int64_t>(options_.batch_rows, PgDb::kMaxParameters / static_cast<int64_t>(columns_.size())));
        while (p.phase == "rows") {
            stop_check();
            std::vector<std::vector<Value>> rows = read_batch(p.last_key, batch);
            if (rows.empty()) {
                p.phase = self_at_.empty() ? "done" : "links";
                to_.write([&] { save_progress(to_, table_, p); });
                break;
            }
            try {
                to_.write([&] {
                    insert(rows, 0, rows.size());
                    p.last_key = key_json(rows.back(), key_at_);
                    p.rows += static_cast<int64_t>(rows.size());
                    save_progress(to_, table_, p);
                });
                r.copied += static_cast<int64_t>(rows.size());
            } catch (const TransactionTooLong&) {
                p = load_progress(to_, table_);  // rolled back: as it was
                if (batch == 1) throw;
                batch = std::max<int64_t>(1, batch / 2);
                continue;
            } catch (const DbError&) {
                p = load_progress(to_, table_);
                r.copied += one_by_one(rows, p);  // finds and names the row PostgreSQL refuses
            }
            if (options_.progress) options_.progress(table_, p.rows, total);
        }
        if (p.phase == "links") {
            copy_links();
            p.phase = "done";
            to_.write([&] { save_progress(to_, table_, p); });
        }
        raise_ids();
        return r;
    }

private:
    void stop_check() {
        if (options_.stop && options_.stop())
            throw Error(kExitInterrupted, "copy-to: stopped at table " + table_ + "; run it again to resume where it stopped");
    }

    std::vector<std::vector<Value>> read_batch(const nlohmann::json& last_key, int64_t limit) {
        std::string sql = "SELECT " + joined(columns_) + " FROM " + ident(table_);
        if (!last_key.is_null()) sql += " WHERE " + after_key(key_);
        sql += " ORDER BY " + joined(key_) + " LIMIT " + std::to_string(limit);
        Statement q(from_, sql);
        if (!last_key.is_null()) bind_key(q, last_key);
        std::vector<std::vector<Value>> rows;
        while (q.step()) {
            std::vector<Value> row;
            row.reserve(columns_.size());
            for (size_t c = 0; c < columns_.size(); ++c) row.push_back(read_value(q, static_cast<int>(c)));
            rows.push_back(std::move(row));
        }
        return rows;
    }

    // One multi-row INSERT of rows[begin, end); self-references NULL (set by copy_links).
    void insert(const std::vector<std::vector<Value>>& rows, size_t begin, size_t end) {
        std::string sql = "INSERT INTO " + ident(table_) + "(" + joined(columns_) + ") VALUES ";
        int pos = 0;
        for (size_t r = begin; r < end; ++r) {
            sql += r == begin ? "(" : ", (";
            for (size_t c = 0; c < columns_.size(); ++c) sql += (c ? ", ?" : "?") + std::to_string(++pos);
            sql += ")";
        }
        Statement q(to_, sql);
        pos = 0;
        for (size_t r = begin; r < end; ++r)
            for (size_t c = 0; c < columns_.size(); ++c) {
                ++pos;
                if (self_at_.count(c)) q.bind(pos);
                else bind_value(q, pos, rows[r][c]);
            }
        q.exec();
    }

    // After a batch failed: each row in its own transaction, until the one that fails.
    int64_t one_by_one(const std::vector<std::vector<Value>>& rows, Progress& p) {
        int64_t copied = 0;
        for (size_t r = 0; r < rows.size(); ++r) {
            try {
                to_.write([&] {
                    insert(rows, r, r + 1);
                    p.last_key = key_json(rows[r], key_at_);
                    p.rows += 1;
                    save_progress(to_, table_, p);
                });
                ++copied;
            } catch (const DbError& e) {
                throw Error(kExitDatabase, "copy-to: table " + table_ + ", row " + key_text(key_, key_json(rows[r], key_at_)) +
                                               ": PostgreSQL refuses it: " + e.what() + "; the rows before it are copied: fix "
                                               "this row in the SQLite file and run copy-to again (it resumes here)");
            }
        }
        return copied;
    }

    // The second pass over self-references: UPDATE each row that has one, in batches.
    void copy_links() {
        for (size_t c : self_at_) {
            const std::string column = columns_[c];
            nlohmann::json last;
            for (;;) {
                stop_check();
                std::string sql = "SELECT " + joined(key_) + ", " + ident(column) + " FROM " + ident(table_) + " WHERE " +
                                  ident(column) + " IS NOT NULL";
                if (!last.is_null()) sql += " AND " + after_key(key_);
                sql += " ORDER BY " + joined(key_) + " LIMIT " + std::to_string(options_.batch_rows);
                Statement q(from_, sql);
                if (!last.is_null()) bind_key(q, last);
                std::vector<std::vector<Value>> rows;
                while (q.step()) {
                    std::vector<Value> row;
                    for (size_t i = 0; i <= key_.size(); ++i) row.push_back(read_value(q, static_cast<int>(i)));
                    rows.push_back(std::move(row));
                }
                if (rows.empty()) break;
                std::vector<size_t> key_at;
                for (size_t i = 0; i < key_.size(); ++i) key_at.push_back(i);
                std::string where;
                for (size_t i = 0; i < key_.size(); ++i)
                    where += (i ? " AND " : "") + ident(key_[i]) + " = ?" + std::to_string(i + 2);
                to_.write([&] {
                    Statement u(to_, "UPDATE " + ident(table_) + " SET " + ident(column) + " = ?1 WHERE " + where);
                    for (const auto& row : rows) {
                        bind_value(u, 1, row[key_.size()]);
                        for (size_t i = 0; i < key_.size(); ++i) bind_value(u, static_cast<int>(i + 2), row[i]);
                        u.exec();
                        u.reset();
                    }
                });
                last = key_json(rows.back(), key_at);
            }
        }
    }

    void raise_ids() {
        const int64_t top = from_.id_high_water(table_);
        if (top > 0) to_.write([&] { to_.raise_id_high_water(table_, top); });
    }

    Db& from_;
    Db& to_;
    std::string table_;
    std::vector<std::string> columns_, key_;
    std::vector<size_t> key_at_;
    std::set<size_t> self_at_;
    const CopyOptions& options_;
};

const std::set<std::string> kTargetOnly = {"schema_version", "copy_progress"};

}  // namespace

std::string table_checksum(Db& db, const std::string& table, const std::vector<std::string>& columns,
                           const std::vector<std::string>& key, int64_t* rows) {
    uint64_t sum[2] = {0, 0};
    int64_t n = 0;
    nlohmann::json last;
    std::vector<size_t> key_at;
    for (const auto& k : key) key_at.push_back(static_cast<size_t>(std::find(columns.begin(), columns.end(), k) - columns.begin()));
    for (;;) {
        std::string sql = "SELECT " + joined(columns) + " FROM " + ident(table);
        if (!last.is_null()) sql += " WHERE " + after_key(key);
        sql += " ORDER BY " + joined(key) + " LIMIT 2000";
        Statement q(db, sql);
        if (!last.is_null()) bind_key(q, last);
        int64_t got = 0;
        std::vector<Value> row(columns.size());
        while (q.step()) {
            add_row_hash(q, static_cast<int>(columns.size()), sum);
            for (size_t i : key_at) row[i] = read_value(q, static_cast<int>(i));
            ++got;
        }
        if (got == 0) break;
        n += got;
        last = key_json(row, key_at);
    }
    if (rows) *rows = n;
    char hex[40];
    std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(sum[0]), static_cast<unsigned long long>(sum[1]));
    return hex;
}

CopyResult copy_database(Db& from, Db& to, const CopyOptions& options) {
    to.set_replace_invalid_text(false);  // a value PostgreSQL cannot hold stops the copy, named
    if (!from.is_file()) throw Error(kExitUsage, "copy-to: the source must be the SQLite file ([general] database)");
    if (to.is_file()) throw Error(kExitUsage, "copy-to: the target must be a postgresql:// URL");
    if (from.schema_version() != to.schema_version())
        throw Error(kExitDatabase, "copy-to: the SQLite file is at schema version " + std::to_string(from.schema_version()) +
                                       ", this mailjobs at " + std::to_string(to.schema_version()) + "; run `mailjobs migrate` first");
    to.write([&] {
        to.exec("CREATE TABLE IF NOT EXISTS copy_progress (table_name TEXT PRIMARY KEY, last_key TEXT, "
                "rows BIGINT NOT NULL DEFAULT 0, phase TEXT NOT NULL, updated_at BIGINT)");
    });
    const std::vector<std::string> target_tables = to.table_names();
    const std::set<std::string> in_target(target_tables.begin(), target_tables.end());
    CopyResult result;
    std::vector<std::string> tables;
    for (const auto& t : from.table_names()) {
        if (kTargetOnly.count(t)) continue;
        if (in_target.count(t)) tables.push_back(t);
        else result.left_out.push_back(t);
    }
    // A fresh copy needs an empty target: rows that are not from an earlier run of copy-to would
    // mix with the copy (and ids would collide).
    if (to.scalar("SELECT count(*) FROM copy_progress") == 0)
        for (const auto& t : tables)
            if (const int64_t n = to.scalar("SELECT count(*) FROM " + ident(t)))
                throw Error(kExitDatabase, "copy-to: the PostgreSQL database is not empty (table " + t + " holds " +
                                               std::to_string(n) + " rows); copy into a new, empty database");
    for (const auto& t : tables) {
        const std::vector<std::string> columns = from.column_names(t), target_columns = to.column_names(t);
        for (const auto& c : columns)
            if (std::find(target_columns.begin(), target_columns.end(), c) == target_columns.end())
                throw Error(kExitDatabase, "copy-to: column " + t + "." + c + " is not in the PostgreSQL schema");
        const std::vector<std::string> key = to.row_key(t);
        const int64_t total = from.scalar("SELECT count(*) FROM " + ident(t));
        TableCopy copy = TableCopier(from, to, t, columns, key, options).run(total);
        int64_t source_rows = 0, target_rows = 0;
        const std::string a = table_checksum(from, t, columns, key, &source_rows);
        const std::string b = table_checksum(to, t, columns, key, &target_rows);
        if (source_rows != target_rows || a != b)
            throw Error(kExitDatabase, "copy-to: table " + t + " does not verify: SQLite " + std::to_string(source_rows) + " rows, checksum " +
                                           a + "; PostgreSQL " + std::to_string(target_rows) + " rows, checksum " + b +
                                           " (was the application writing? stop it, drop and recreate the PostgreSQL database, copy again)");
        copy.rows = source_rows;
        copy.checksum = a;
        result.rows += source_rows;
        result.copied += copy.copied;
        result.tables.push_back(copy);
    }
    return result;
}

}  // namespace mj
