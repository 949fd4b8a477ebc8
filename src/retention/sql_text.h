// SQL text the retention engine builds from names and rowids.
//
// Table and column names come from code or from jobs.ini ([retention.NAME], checked against the
// schema first) and are always written as quoted identifiers, so a name can never end the
// identifier and become SQL. Rowids are integers read from the database: no quoting needed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mj {

// "name" with embedded double quotes doubled: a safe identifier for any name.
inline std::string quote_ident(const std::string& name) {
    std::string s = "\"";
    for (char c : name) s += c == '"' ? std::string("\"\"") : std::string(1, c);
    return s + "\"";
}

// "1,2,3" for an IN (...) list.
inline std::string rowid_list(const std::vector<int64_t>& ids) {
    std::string s;
    s.reserve(ids.size() * 8);
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(ids[i]);
    }
    return s;
}

// Parameter ?n as a 64-bit integer. For the parameters that carry a sentinel (INT64_MIN before the
// first batch, INT64_MAX for "nothing kept"): PostgreSQL types a parameter after the column it is
// compared with, and an application's time or owner column declared `integer` made the first batch
// fail with "value -9223372036854775808 is out of range for type integer". int4 >= int8 is a
// cross-type btree operator, so the index still seeks; on SQLite the CAST of an integer is itself.
inline std::string int64_param(int n) { return "CAST(?" + std::to_string(n) + " AS BIGINT)"; }

// True when sorted, distinct `ids` cover one whole rowid range (lo..hi without a gap).
inline bool is_rowid_range(const std::vector<int64_t>& ids) {
    return !ids.empty() && ids.back() - ids.front() + 1 == static_cast<int64_t>(ids.size());
}

// The WHERE term that names exactly `ids` (sorted, distinct, non-empty) of the row key `key` (an
// SQL name: "rowid" on SQLite, a table's integer primary key on PostgreSQL, see Db::row_key): a
// range when they are contiguous (the cheapest delete: one b-tree walk), else a list.
inline std::string rowid_target(const std::vector<int64_t>& ids, const std::string& key) {
    if (is_rowid_range(ids))
        return key + " BETWEEN " + std::to_string(ids.front()) + " AND " + std::to_string(ids.back());
    return key + " IN (" + rowid_list(ids) + ")";
}

}  // namespace mj
