#include "api/table_stats.h"

#include <sys/stat.h>

#include <algorithm>
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

int64_t file_size(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

}  // namespace

nlohmann::json table_stats(Db& db, bool with_bytes) {
    std::map<std::string, Db::TableBytes> bytes;
    if (with_bytes) bytes = db.table_bytes();
    nlohmann::json tables = nlohmann::json::array();
    std::vector<std::string> names = db.table_names();
    std::sort(names.begin(), names.end());
    for (const std::string& t : names) {
        nlohmann::json row = {{"table", t}, {"rows", db.scalar("SELECT count(*) FROM " + sql_name(t))},
                              {"bytes", nullptr}, {"indexBytes", nullptr}, {"timeColumn", nullptr}, {"oldestAt", nullptr}};
        if (with_bytes) {
            row["bytes"] = bytes[t].table;
            row["indexBytes"] = bytes[t].indexes;
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
