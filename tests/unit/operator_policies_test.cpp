#include "retention/operator_policies.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "core/job_catalogue.h"

namespace {

struct Setup {
    std::string dir, ini;
    std::unique_ptr<mj::Db> schema = mj::Db::open_scratch();
    mj::Config config;
    std::vector<mj::ConfigProblem> load_problems;

    explicit Setup(const std::string& text) {
        char tmpl[] = "/tmp/mj-policies-test.XXXXXX";
        dir = mkdtemp(tmpl);
        ini = dir + "/jobs.ini";
        std::ofstream(ini) << text;
        mj::LoadOptions o;
        o.file = ini;
        o.jobs = mj::job_defaults();
        config = mj::Config::load(o, &load_problems);
        schema->exec("CREATE TABLE app_events(id INTEGER PRIMARY KEY, kind TEXT, created_at INTEGER)");
        schema->exec("CREATE INDEX app_events_created_at ON app_events(created_at)");
        schema->exec("CREATE TABLE app_pairs(a INTEGER, b INTEGER, at INTEGER, PRIMARY KEY(a, b)) WITHOUT ROWID");
        schema->exec("CREATE VIEW app_view AS SELECT * FROM app_events");
        schema->exec("CREATE TABLE job_locks(job TEXT PRIMARY KEY, expires_at INTEGER)");
    }
    ~Setup() { std::system(("rm -rf " + dir).c_str()); }
    std::vector<mj::ConfigProblem> check() { return mj::check_operator_policies(*schema, config); }
};

}  // namespace

TEST_CASE("where_shape_problem: one expression that cannot leave its parentheses") {
    CHECK(mj::where_shape_problem("kind = 'a'") == "");
    CHECK(mj::where_shape_problem("kind IN ('a', 'b)') AND (id > 3)") == "");  // parens inside quotes
    CHECK(mj::where_shape_problem("note = 'it''s'") == "");                    // escaped quote
    CHECK(mj::where_shape_problem("\"odd)name\" = 1") == "");
    CHECK(mj::where_shape_problem("1) OR (1") == "unbalanced ')'");
    CHECK(mj::where_shape_problem("(1") == "unbalanced '('");
    CHECK(mj::where_shape_problem("1; DROP TABLE users") == "';' is not allowed (one condition only)");
    CHECK(mj::where_shape_problem("1 -- x") == "comments are not allowed");
    CHECK(mj::where_shape_problem("1 /* x */") == "comments are not allowed");
    CHECK(mj::where_shape_problem("kind = 'open") == "unterminated quote");
    CHECK(mj::where_shape_problem("   ") == "empty condition");
}

TEST_CASE("check_operator_policies: a good policy passes and becomes an engine policy") {
    Setup s("[retention.events]\ntable = app_events\ntime_column = created_at\nolder_than = 30d\nwhere = kind <> 'billing'\n"
            "batch_size = 200\n");
    REQUIRE(s.load_problems.empty());
    CHECK(s.check().empty());
    mj::Policy p = mj::operator_policy(s.config, "retention.events", 1000000, std::nullopt);
    CHECK(p.table == "app_events");
    CHECK(p.time_column == "created_at");
    CHECK(p.cutoff == 1000000 - 30 * 86400);
    CHECK(p.filter == "kind <> 'billing'");
    CHECK(p.batch_size == 200);
    CHECK(mj::operator_policy(s.config, "retention.events", 1000000, 60).cutoff == 1000000 - 60);
}

TEST_CASE("check_operator_policies: every problem with its file:line") {
    Setup s("[retention.a]\n"                        // 1
            "table = app_evnts\n"                    // 2
            "time_column = created_at\n"             // 3
            "older_than = 30d\n"                     // 4
            "[retention.b]\n"                        // 5
            "table = app_events\n"                   // 6
            "time_column = creatd_at\n"              // 7
            "older_than = 30d\n"                     // 8
            "[retention.c]\n"                        // 9
            "table = app_events\n"                   // 10
            "time_column = created_at\n"             // 11
            "older_than = 30d\n"                     // 12
            "where = kind = 'a') OR (1 = 1\n"        // 13
            "[retention.d]\n"                        // 14
            "table = app_events\n"                   // 15
            "time_column = created_at\n"             // 16
            "older_than = 30d\n"                     // 17
            "where = nosuch = 1\n"                   // 18
            "[retention.e]\n"                        // 19
            "table = app_pairs\n"                    // 20
            "time_column = at\n"                     // 21
            "older_than = 1d\n"                      // 22
            "[retention.f]\n"                        // 23
            "table = job_locks\n"                    // 24
            "time_column = expires_at\n"             // 25
            "older_than = 1d\n"                      // 26
            "[retention.g]\n"                        // 27
            "table = app_view\n"                     // 28
            "time_column = created_at\n"             // 29
            "older_than = 1d\n"                      // 30
            "[retention.h]\n"                        // 31
            "table = app_events\n"                   // 32
            "time_column = created_at\n"             // 33
            "older_than = 1d\n"                      // 34
            "where = id > ?\n");                     // 35
    REQUIRE(s.load_problems.empty());
    auto problems = s.check();
    REQUIRE(problems.size() == 8);
    auto has = [&](const std::string& where, const std::string& text) {
        for (const auto& p : problems)
            if (p.where == s.ini + ":" + where && p.message.find(text) != std::string::npos) return true;
        return false;
    };
    CHECK(has("2", "[retention.a] table 'app_evnts' does not exist (did you mean 'app_events'?)"));
    CHECK(has("7", "[retention.b] column 'creatd_at' does not exist in table 'app_events' (did you mean 'created_at'?)"));
    CHECK(has("13", "unbalanced ')'"));
    CHECK(has("18", "no such column: nosuch"));
    CHECK(has("20", "WITHOUT ROWID"));
    CHECK(has("24", "managed by mailjobs"));
    CHECK(has("28", "is a view"));
    CHECK(has("35", "parameters"));
}

TEST_CASE("check_operator_policies: text dates in an indexed time column are refused") {
    Setup s("[retention.events]\ntable = app_events\ntime_column = created_at\nolder_than = 30d\n");
    s.schema->exec("INSERT INTO app_events(kind, created_at) VALUES ('a', 1700000000), ('b', '2024-01-01 00:00:00')");
    auto problems = s.check();
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].where == s.ini + ":3");
    CHECK(problems[0].message.find("holds text ('2024-01-01 00:00:00')") != std::string::npos);
}
