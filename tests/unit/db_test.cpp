#include "core/db.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/config.h"
#include "core/error.h"
#include "core/sqlite_db.h"

namespace {

struct TempDir {
    std::string dir;
    TempDir() {
        char tmpl[] = "/tmp/mj-db-test.XXXXXX";
        dir = mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("chmod -R u+w " + dir + "; rm -rf " + dir).c_str()); }
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int code_of(const std::string& path) {
    try {
        mj::Db::open(path, 100);
    } catch (const mj::Error& e) {
        return e.code;
    }
    return 0;
}

}  // namespace

TEST_CASE("Db::open migrates a new file with WAL and incremental auto-vacuum") {
    TempDir t;
    auto db = mj::Db::open(t.dir + "/new.db", 100);
    CHECK(db->schema_version() == mj::Db::latest_version());
    CHECK(db->scalar("PRAGMA auto_vacuum") == 2);
    CHECK(db->scalar("PRAGMA foreign_keys") == 1);
    CHECK(db->scalar("SELECT count(*) FROM sqlite_master WHERE name IN ('job_runs','job_locks','job_state')") == 3);
    CHECK(db->migrate() == 0);  // idempotent
}

TEST_CASE("Db::open refuses unusable files and leaves them unchanged") {
    TempDir t;
    SECTION("missing folder") { CHECK(code_of(t.dir + "/nope/x.db") == mj::kExitDatabase); }
    SECTION("not a database") {
        std::ofstream(t.dir + "/notes.db") << "hello, these are notes\n";
        CHECK(code_of(t.dir + "/notes.db") == mj::kExitDatabase);
        CHECK(slurp(t.dir + "/notes.db") == "hello, these are notes\n");
    }
    SECTION("newer schema") {
        { auto db = mj::Db::open(t.dir + "/a.db", 100); db->exec("PRAGMA user_version = 999"); }
        std::string before = slurp(t.dir + "/a.db");
        CHECK(code_of(t.dir + "/a.db") == mj::kExitDatabase);
        CHECK(slurp(t.dir + "/a.db") == before);
    }
    SECTION("read-only file") {
        { auto db = mj::Db::open(t.dir + "/r.db", 100); }
        chmod((t.dir + "/r.db").c_str(), 0444);
        CHECK(code_of(t.dir + "/r.db") == mj::kExitDatabase);
    }
}

TEST_CASE("Db::write rolls back when the body throws and records transaction length") {
    TempDir t;
    auto db = mj::Db::open(t.dir + "/w.db", 100);
    db->exec("INSERT INTO users(email) VALUES('a@x')");
    CHECK_THROWS(db->write([&] {
        db->exec("DELETE FROM users");
        throw std::runtime_error("boom");
    }));
    CHECK(db->scalar("SELECT count(*) FROM users") == 1);
    db->write([&] { db->exec("DELETE FROM users"); });
    CHECK(db->scalar("SELECT count(*) FROM users") == 0);
    CHECK(db->max_txn_us() >= 0);
}

namespace {

// About 1e8 VM steps: seconds of work, unless the time bound stops it.
const char* kLongStatement =
    "INSERT INTO users(email) SELECT 'x' || i || '@x' FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c "
    "WHERE i < 50000000) SELECT i FROM c) WHERE i % 10000000 = 0";

int64_t ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count();
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("Db::write stops a transaction at max_transaction, rolls it back, and says so in its own error") {
    TempDir t;
    auto db = mj::Db::open(t.dir + "/b.db", 100);
    db->set_max_transaction_us(50000);
    SECTION("a long statement is stopped near the bound; what the transaction wrote before is gone") {
        auto start = std::chrono::steady_clock::now();
        try {
            db->write([&] {
                db->exec("INSERT INTO users(email) VALUES('first@x')");
                db->exec(kLongStatement);
            });
            FAIL("not stopped");
        } catch (const mj::TransactionTooLong& e) {
            CHECK(std::string(e.what()).rfind("transaction over max_transaction (50 ms)", 0) == 0);
            CHECK(e.bound_us == 50000);
            CHECK(e.held_us >= 50000);
        }
        CHECK(ms_since(start) < 1000);
        CHECK(db->last_txn_us() >= 50000);
        CHECK(db->last_txn_us() < 1000000);
        CHECK(db->max_txn_us() >= 50000);  // a stopped transaction held the lock too
        CHECK(db->scalar("SELECT count(*) FROM users") == 0);
        CHECK(mj::sqlite_handle(*db).getHandle() != nullptr);
        db->write([&] { db->exec("INSERT INTO users(email) VALUES('after@x')"); });  // the next one works
        CHECK(db->scalar("SELECT count(*) FROM users") == 1);
    }
    SECTION("a body that swallows the database's error still commits nothing") {
        CHECK_THROWS_AS(db->write([&] {
            db->exec("INSERT INTO users(email) VALUES('first@x')");
            try {
                mj::Statement q(*db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 50000000) "
                                       "SELECT count(*) FROM c");
                q.step();
            } catch (const mj::DbError&) {
            }
        }), mj::TransactionTooLong);
        CHECK(db->scalar("SELECT count(*) FROM users") == 0);
    }
    SECTION("other errors keep their own type") {
        CHECK_THROWS_AS(db->write([&] { throw std::runtime_error("boom"); }), std::runtime_error);
        try {
            db->write([&] { db->exec("INSERT INTO no_such_table VALUES(1)"); });
        } catch (const mj::TransactionTooLong&) {
            FAIL("a syntax error is not a time bound");
        } catch (const mj::DbError&) {
        }
    }
    SECTION("Checks::none (migrations) is not bounded; reads outside write() are not either") {
        db->write([&] {
            mj::Statement q(*db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 3000000) "
                                   "SELECT count(*) FROM c");
            q.step();
            CHECK(q.column(0).as_int64() == 3000000);
        }, mj::Db::Checks::none);
        CHECK(db->scalar("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 3000000) SELECT count(*) FROM c") ==
              3000000);
    }
    SECTION("Db::options takes the bound from general.max_transaction, in ms") {
        std::ofstream(t.dir + "/jobs.ini") << "[general]\nmax_transaction = 200ms\ndatabase_mode = 0660\n";
        mj::LoadOptions o;
        o.file = t.dir + "/jobs.ini";
        std::vector<mj::ConfigProblem> problems;
        auto config = mj::Config::load(o, &problems);
        REQUIRE(problems.empty());
        CHECK(mj::Db::options(config).max_transaction_us == 200000);
        CHECK(mj::Db::options(config).create_mode == 0660);
    }
}

TEST_CASE("Db::write runs the write check first in every transaction, except Checks::bound_only/none") {
    TempDir t;
    auto db = mj::Db::open(t.dir + "/c.db", 100);
    int checks = 0;
    bool refuse = false;
    db->set_write_check([&] {
        ++checks;
        if (refuse) throw std::runtime_error("refused");
    });
    db->write([&] { db->exec("INSERT INTO users(email) VALUES('a@x')"); });
    CHECK(checks == 1);
    refuse = true;
    bool ran = false;
    CHECK_THROWS_WITH(db->write([&] { ran = true; }), "refused");
    CHECK_FALSE(ran);
    db->write([&] { db->exec("INSERT INTO users(email) VALUES('b@x')"); }, mj::Db::Checks::bound_only);
    CHECK(checks == 2);
    CHECK(db->scalar("SELECT count(*) FROM users") == 2);
    db->set_write_check(nullptr);
    db->write([&] {});
}

TEST_CASE("Db::open creates a new database 0600 (or database_mode), never changes an existing file's mode") {
    TempDir t;
    const mode_t old_umask = umask(022);
    SECTION("default 0600, and the -wal/-shm SQLite creates next to it") {
        auto db = mj::Db::open(t.dir + "/new.db", 100);
        db->write([&] { db->exec("INSERT INTO users(email) VALUES('a@x')"); });
        CHECK(mode_of(t.dir + "/new.db") == 0600);
        CHECK(mode_of(t.dir + "/new.db-wal") == 0600);
        CHECK(mode_of(t.dir + "/new.db-shm") == 0600);
    }
    SECTION("a configured mode is exact, whatever the umask") {
        mj::Db::OpenOptions o;
        o.create_mode = 0660;
        auto db = mj::Db::open(t.dir + "/group.db", 100, mj::Db::Migrate::yes, o);
        CHECK(mode_of(t.dir + "/group.db") == 0660);
        CHECK(mode_of(t.dir + "/group.db-wal") == 0660);
    }
    SECTION("an existing database keeps its mode") {
        { auto db = mj::Db::open(t.dir + "/old.db", 100); }
        chmod((t.dir + "/old.db").c_str(), 0644);
        mj::Db::OpenOptions o;
        o.create_mode = 0600;
        auto db = mj::Db::open(t.dir + "/old.db", 100, mj::Db::Migrate::yes, o);
        CHECK(mode_of(t.dir + "/old.db") == 0644);
    }
    SECTION("create = false: a missing file is an error and nothing is created") {
        mj::Db::OpenOptions o;
        o.create = false;
        try {
            mj::Db::open(t.dir + "/missing.db", 100, mj::Db::Migrate::yes, o);
            FAIL("opened a missing file");
        } catch (const mj::Error& e) {
            CHECK(e.code == mj::kExitDatabase);
        }
        struct stat st {};
        CHECK(stat((t.dir + "/missing.db").c_str(), &st) != 0);
    }
    umask(old_umask);
}
