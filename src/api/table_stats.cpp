#include "api/table_stats.h"

#include <sys/stat.h>

#include <map>

#include "core/log.h"

namespace mj {
namespace {

std::string sql_name(const std::string& name) {
    std::string q = "\"";
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

bool ends_with_at(const std::string& s) { return s.size() > 3 && s.compare(s.size() - 3, 3, "_at") == 0; }

std::string time_column_of(Db& db, const std::string& table) {
    SQLite::Statement q(db.sql(), "SELECT name FROM pragma_table_info(?)");
    q.bind(1, table);
    std::string first_at;
    while (q.executeStep()) {
        std::string c = q.getColumn(0).getString();
        if (c == "created_at") return c;
        if (first_at.empty() && ends_with_at(c)) first_at = c;
    }
    return first_at;
}

// b-tree name (table or index) -> bytes, from one dbstat pass over the whole file.
std::map<std::string, int64_t> btree_bytes(Db& db) {
    std::map<std::string, int64_t> out;
    SQLite::Statement q(db.sql(), "SELECT name, pgsize FROM dbstat WHERE aggregate = 1");
    while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
    return out;
}

int64_t file_size(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

}  // namespace

nlohmann::json table_stats(Db& db, bool with_bytes) {
    std::map<std::string, int64_t> bytes;
    if (with_bytes) bytes = btree_bytes(db);
    // Index bytes belong to their table (sqlite_master.tbl_name), autoindexes included.
    std::map<std::string, int64_t> index_bytes;
    SQLite::Statement idx(db.sql(), "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'");
    while (idx.executeStep()) index_bytes[idx.getColumn(1).getString()] += bytes[idx.getColumn(0).getString()];

    nlohmann::json tables = nlohmann::json::array();
    SQLite::Statement list(db.sql(),
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                           "ORDER BY name");
    while (list.executeStep()) {
        std::string t = list.getColumn(0).getString();
        nlohmann::json row = {{"table", t}, {"rows", db.scalar("SELECT count(*) FROM " + sql_name(t))},
                              {"bytes", nullptr}, {"indexBytes", nullptr}, {"timeColumn", nullptr}, {"oldestAt", nullptr}};
        if (with_bytes) {
            row["bytes"] = bytes[t];
            row["indexBytes"] = index_bytes[t];
        }
        std::string col = time_column_of(db, t);
        if (!col.empty()) {
            row["timeColumn"] = col;
            SQLite::Statement oldest(db.sql(), "SELECT min(" + sql_name(col) + ") FROM " + sql_name(t));
            oldest.executeStep();
            const auto v = oldest.getColumn(0);
            // Our time columns are unix seconds; an operator's table may hold text dates: shown as is.
            if (v.isInteger()) row["oldestAt"] = iso_time(v.getInt64());
            else if (v.isText()) row["oldestAt"] = v.getString();
        }
        tables.push_back(row);
    }
    int64_t page_size = db.scalar("PRAGMA page_size");
    return {{"tables", tables},
            {"databaseBytes", db.scalar("PRAGMA page_count") * page_size},
            {"freeBytes", db.scalar("PRAGMA freelist_count") * page_size},
            {"walBytes", file_size(db.path() + "-wal")},
            {"pageSize", page_size}};
}

}  // namespace mj
