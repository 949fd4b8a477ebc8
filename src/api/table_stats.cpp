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
    std::string first_at;
    for (const std::string& c : db.column_names(table)) {
        if (c == "created_at") return c;
        if (first_at.empty() && ends_with_at(c)) first_at = c;
    }
    return first_at;
}

// b-tree name (table or index) -> bytes, from one dbstat pass over the whole file.
std::map<std::string, int64_t> btree_bytes(Db& db) {
    std::map<std::string, int64_t> out;
    Statement q(db, "SELECT name, pgsize FROM dbstat WHERE aggregate = 1");
    while (q.step()) out[q.column(0).as_text()] = q.column(1).as_int64();
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
    Statement idx(db, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'");
    while (idx.step()) index_bytes[idx.column(1).as_text()] += bytes[idx.column(0).as_text()];

    nlohmann::json tables = nlohmann::json::array();
    Statement list(db,
                   "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                   "ORDER BY name");
    while (list.step()) {
        std::string t = list.column(0).as_text();
        nlohmann::json row = {{"table", t}, {"rows", db.scalar("SELECT count(*) FROM " + sql_name(t))},
                              {"bytes", nullptr}, {"indexBytes", nullptr}, {"timeColumn", nullptr}, {"oldestAt", nullptr}};
        if (with_bytes) {
            row["bytes"] = bytes[t];
            row["indexBytes"] = index_bytes[t];
        }
        std::string col = time_column_of(db, t);
        if (!col.empty()) {
            row["timeColumn"] = col;
            Statement oldest(db, "SELECT min(" + sql_name(col) + ") FROM " + sql_name(t));
            oldest.step();
            const auto v = oldest.column(0);
            // Our time columns are unix seconds; an operator's table may hold text dates: shown as is.
            if (v.is_integer()) row["oldestAt"] = iso_time(v.as_int64());
            else if (v.is_text()) row["oldestAt"] = v.as_text();
        }
        tables.push_back(row);
    }
    int64_t page_size = db.page_size();
    return {{"tables", tables},
            {"databaseBytes", db.page_count() * page_size},
            {"freeBytes", db.free_pages() * page_size},
            {"walBytes", file_size(db.path() + "-wal")},
            {"pageSize", page_size}};
}

}  // namespace mj
