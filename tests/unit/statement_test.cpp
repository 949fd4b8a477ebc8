// The database layer itself (core/db.h, core/statement.h) on its SQLite backend: binding, NULLs,
// scalar and query, a statement reused, and the failure kinds callers react to.
#include "core/statement.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <string>

#include "core/db.h"
#include "core/error.h"

namespace {

struct TempDb {
    std::string dir;
    std::unique_ptr<mj::Db> db;
    TempDb() {
        char tmpl[] = "/tmp/mj-statement-test.XXXXXX";
        dir = mkdtemp(tmpl);
        db = mj::Db::open(dir + "/s.db", 100);
        db->exec("CREATE TABLE v(id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT)");
    }
    ~TempDb() { std::system(("rm -rf " + dir).c_str()); }
};

mj::DbFailure failure_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const mj::DbError& e) {
        return e.failure;
    }
    FAIL("no DbError");
    return mj::DbFailure::other;
}

}  // namespace

TEST_CASE("Statement binds integers, reals, texts and NULL by position and reads them back") {
    TempDb t;
    mj::Statement ins(*t.db, "INSERT INTO v(i, r, t) VALUES(?1, ?2, ?3)");
    ins.bind(1, static_cast<int64_t>(1) << 40);
    ins.bind(2, 2.5);
    ins.bind(3, std::string("with\0nul", 8));  // a std::string's size, not its first NUL
    CHECK(ins.exec() == 1);
    const int64_t first = t.db->last_insert_id();
    ins.reset();
    ins.bind(1, 7);  // an int
    ins.bind(2);     // NULL
    ins.bind(3, "literal");
    CHECK(ins.exec() == 1);
    CHECK(t.db->last_insert_id() == first + 1);

    mj::Statement q(*t.db, "SELECT i, r, t, length(CAST(t AS BLOB)) FROM v ORDER BY id");
    REQUIRE(q.step());
    CHECK(q.column(0).as_int64() == (static_cast<int64_t>(1) << 40));
    CHECK(q.column(0).is_integer());
    CHECK(q.column(1).as_double() == 2.5);
    CHECK(q.column(1).type() == mj::ColumnType::real);
    CHECK(q.column(2).as_text() == std::string("with\0nul", 8));
    CHECK(q.column(2).is_text());
    CHECK(q.column(3).as_int() == 8);
    REQUIRE(q.step());
    CHECK(q.column(0).as_int() == 7);
    SECTION("a NULL is_null() and reads as 0, 0.0 and \"\"") {
        CHECK(q.column(1).is_null());
        CHECK_FALSE(q.column(0).is_null());
        CHECK(q.column(1).as_int64() == 0);
        CHECK(q.column(1).as_double() == 0.0);
        CHECK(q.column(1).as_text() == "");
    }
    CHECK(q.column(2).as_text() == "literal");
    CHECK_FALSE(q.step());
}

TEST_CASE("Statement prepared once runs again after reset() with new bindings") {
    TempDb t;
    mj::Statement ins(*t.db, "INSERT INTO v(i) VALUES(?)");
    for (int i = 1; i <= 100; ++i) {
        ins.bind(1, i);
        CHECK(ins.exec() == 1);
        ins.reset();
    }
    mj::Statement q(*t.db, "SELECT count(*), sum(i) FROM v WHERE i > ?");
    q.bind(1, 50);
    REQUIRE(q.step());
    CHECK(q.column(0).as_int64() == 50);
    CHECK(q.column(1).as_int64() == 3775);
    q.reset();  // the binding stays
    REQUIRE(q.step());
    CHECK(q.column(0).as_int64() == 50);
    q.reset();
    q.bind(1, 90);
    REQUIRE(q.step());
    CHECK(q.column(0).as_int64() == 10);
}

TEST_CASE("Db::scalar and Db::query bind their values from ?1 on") {
    TempDb t;
    t.db->exec("INSERT INTO v(i, t) VALUES(1, 'a'), (2, 'b'), (3, NULL)");
    CHECK(t.db->scalar("SELECT count(*) FROM v") == 3);
    CHECK(t.db->scalar("SELECT i FROM v WHERE t = ?1 OR i = ?2", std::string("b"), 9) == 2);
    CHECK(t.db->scalar("SELECT i FROM v WHERE i > ?", static_cast<int64_t>(5)) == 0);  // no row: 0
    CHECK(t.db->scalar("SELECT t FROM v WHERE i = 3") == 0);                           // NULL: 0
    auto q = t.db->query("SELECT t FROM v WHERE i >= ?1 AND i <= ?2 ORDER BY i", 1, 2);
    REQUIRE(q.step());
    CHECK(q.column(0).as_text() == "a");
    REQUIRE(q.step());
    CHECK(q.column(0).as_text() == "b");
    CHECK_FALSE(q.step());
    CHECK(t.db->exec("UPDATE v SET i = i + 10 WHERE i < 3") == 2);
}

TEST_CASE("DbError: a locked database is DbFailure::busy, with SQLite's message") {
    TempDb t;
    auto other = mj::Db::open(t.dir + "/s.db", 10);
    t.db->write([&] {
        t.db->exec("INSERT INTO v(i) VALUES(1)");
        try {
            other->write([&] { other->exec("INSERT INTO v(i) VALUES(2)"); });
            FAIL("the second writer got the lock");
        } catch (const mj::DbError& e) {
            CHECK(e.failure == mj::DbFailure::busy);
            CHECK(std::string(e.what()) == "database is locked");
        }
    });
    CHECK(t.db->scalar("SELECT count(*) FROM v") == 1);
}

TEST_CASE("DbError: a statement the time bound stopped is DbFailure::interrupted; write() says TransactionTooLong") {
    TempDb t;
    t.db->set_max_transaction_us(30000);
    mj::DbFailure seen = mj::DbFailure::other;
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(t.db->write([&] {
        seen = failure_of([&] {
            t.db->scalar("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 100000000) SELECT count(*) FROM c");
        });
    }), mj::TransactionTooLong);
    CHECK(seen == mj::DbFailure::interrupted);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    // Outside write() nothing is bounded.
    CHECK(t.db->scalar("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 300000) SELECT count(*) FROM c") ==
          300000);
}

TEST_CASE("DbError: everything else is DbFailure::other") {
    TempDb t;
    CHECK(failure_of([&] { mj::Statement q(*t.db, "SELEKT 1"); }) == mj::DbFailure::other);
    CHECK(failure_of([&] { t.db->exec("INSERT INTO nowhere VALUES(1)"); }) == mj::DbFailure::other);
    t.db->exec("CREATE TABLE u(x TEXT UNIQUE)");
    t.db->exec("INSERT INTO u VALUES('a')");
    CHECK(failure_of([&] { t.db->exec("INSERT INTO u VALUES('a')"); }) == mj::DbFailure::other);
    CHECK(failure_of([&] { t.db->query("SELECT ?1", 1).exec(); }) == mj::DbFailure::other);  // exec() of a row
}

TEST_CASE("Db::statement_problem prepares without running, one statement with the parameters asked for") {
    TempDb t;
    CHECK(t.db->statement_problem("SELECT id FROM v WHERE i < ?1", 1) == "");
    CHECK(t.db->statement_problem("SELECT id FROM v WHERE i < ?1", 0) == "parameters (?, :name) are not allowed");
    CHECK(t.db->statement_problem("SELECT id FROM v; DELETE FROM v", 0) == "unexpected text after the condition");
    CHECK(t.db->statement_problem("SELECT nope FROM v", 0) == "no such column: nope");
    CHECK(t.db->statement_problem("DELETE FROM v", 0) == "");
}

TEST_CASE("Db::open_plain, open_scratch; a postgresql:// database is refused with exit 2") {
    TempDb t;
    t.db->exec("INSERT INTO v(i) VALUES(1)");
    auto ro = mj::Db::open_plain(t.dir + "/s.db", 100, mj::Db::Access::read_only);
    CHECK(ro->scalar("SELECT count(*) FROM v") == 1);
    CHECK(ro->schema_version() == mj::Db::latest_version());
    CHECK(failure_of([&] { ro->exec("INSERT INTO v(i) VALUES(2)"); }) == mj::DbFailure::other);
    auto scratch = mj::Db::open_scratch();
    CHECK(scratch->scalar("SELECT count(*) FROM sqlite_master") == 0);
    // A postgresql:// URL goes to the PostgreSQL backend, also behind jobs.ini's folder (a path
    // key); one it cannot use is refused before any connection (tests/unit/pg_db_test.cpp).
    for (const std::string url : {"postgresql://localhost/mail", "/home/me/mailjobs/postgres://db"}) {
        try {
            mj::Db::open(url, 100);
            FAIL("opened " << url);
        } catch (const mj::Error& e) {
            CHECK(e.code == mj::kExitUsage);
            CHECK(std::string(e.what()).find("names no user") != std::string::npos);
        }
    }
}
