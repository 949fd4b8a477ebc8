#include "core/db.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.h"

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
        { auto db = mj::Db::open(t.dir + "/a.db", 100); db->sql().exec("PRAGMA user_version = 999"); }
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
    db->sql().exec("INSERT INTO users(email) VALUES('a@x')");
    CHECK_THROWS(db->write([&] {
        db->sql().exec("DELETE FROM users");
        throw std::runtime_error("boom");
    }));
    CHECK(db->scalar("SELECT count(*) FROM users") == 1);
    db->write([&] { db->sql().exec("DELETE FROM users"); });
    CHECK(db->scalar("SELECT count(*) FROM users") == 0);
    CHECK(db->max_txn_us() >= 0);
}
