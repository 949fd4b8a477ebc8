#include "api/table_stats.h"

#include <catch2/catch.hpp>

#include <cstdlib>

namespace {

nlohmann::json table_of(const nlohmann::json& stats, const std::string& name) {
    for (const auto& t : stats["tables"])
        if (t["table"] == name) return t;
    return nullptr;
}

}  // namespace

TEST_CASE("table_stats: rows, time column, oldest row, sizes of an operator's table too") {
    char tmpl[] = "/tmp/mj-table-stats-test.XXXXXX";
    std::string dir = mkdtemp(tmpl);
    {
        auto db = mj::Db::open(dir + "/t.db", 1000);
        db->exec("CREATE TABLE app_events (id INTEGER PRIMARY KEY, happened_at INTEGER, seen_at INTEGER)");
        db->exec("CREATE INDEX app_events_happened ON app_events(happened_at)");
        db->exec("INSERT INTO app_events(happened_at, seen_at) VALUES (1795000000, 1), (1700000000, 2)");
        db->exec("CREATE TABLE \"odd\"\"name\" (x TEXT)");  // quoting survives
        db->exec("CREATE TABLE app_text_dates (created_at TEXT)");
        db->exec("INSERT INTO app_text_dates VALUES ('2024-01-02 03:04:05')");

        auto s = mj::table_stats(*db, true);
        auto ev = table_of(s, "app_events");
        CHECK(ev["rows"] == 2);
        CHECK(ev["timeColumn"] == "happened_at");  // no created_at: the first *_at column
        CHECK(ev["oldestAt"] == "2023-11-14T22:13:20Z");
        CHECK(ev["bytes"].get<int64_t>() >= 4096);
        CHECK(ev["indexBytes"].get<int64_t>() >= 4096);
        auto odd = table_of(s, "odd\"name");
        CHECK(odd["rows"] == 0);
        CHECK(odd["timeColumn"].is_null());
        CHECK(odd["oldestAt"].is_null());
        CHECK(table_of(s, "app_text_dates")["oldestAt"] == "2024-01-02 03:04:05");  // shown as stored
        CHECK(table_of(s, "sqlite_sequence").is_null());                            // SQLite's own tables are not listed
        CHECK(s["databaseBytes"] == db->scalar("PRAGMA page_count") * db->scalar("PRAGMA page_size"));

        auto fast = mj::table_stats(*db, false);
        CHECK(table_of(fast, "app_events")["bytes"].is_null());
        CHECK(table_of(fast, "app_events")["rows"] == 2);
    }
    std::system(("rm -rf " + dir).c_str());
}
