#include "retention/checkpointer.h"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace {

// A WAL database whose writer never checkpoints by itself; the WAL hook notes its size after
// every commit, the way SQLite reports it to the automatic checkpoint.
struct WalDb {
    std::string dir, path;
    sqlite3* db = nullptr;
    int frames = 0;

    WalDb() {
        char tmpl[] = "/tmp/mj-checkpointer-test.XXXXXX";
        dir = mkdtemp(tmpl);
        path = dir + "/t.db";
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        exec("PRAGMA journal_mode = WAL");
        exec("CREATE TABLE t(x BLOB)");
        sqlite3_wal_hook(db, [](void* f, sqlite3*, const char*, int n) { *static_cast<int*>(f) = n; return SQLITE_OK; },
                         &frames);
    }
    ~WalDb() {
        sqlite3_close(db);
        std::system(("rm -rf " + dir).c_str());
    }
    void exec(const std::string& sql) { REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK); }
    // One transaction writing about `pages` new pages.
    void write(int pages) {
        exec("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < " + std::to_string(pages) +
             ") INSERT INTO t SELECT randomblob(4000) FROM c");
    }
};

}  // namespace

TEST_CASE("Checkpointer::drain copies the WAL to its end, so the next write starts it over") {
    WalDb w;
    for (int i = 0; i < 5; ++i) w.write(50);
    const int grown = w.frames;
    CHECK(grown >= 250);
    w.write(1);
    CHECK(w.frames > grown);  // nothing copied: the WAL only grows
    mj::Checkpointer checkpointer(w.path);
    checkpointer.drain();
    w.write(1);
    CHECK(w.frames <= 3);  // started over from its first page
    CHECK(checkpointer.stats().checkpoints >= 1);
}

TEST_CASE("Checkpointer::request runs in the background, and the destructor finishes it") {
    WalDb w;
    for (int i = 0; i < 5; ++i) w.write(50);
    {
        mj::Checkpointer checkpointer(w.path);
        checkpointer.request();
    }  // joined here, after the pass
    w.write(1);
    CHECK(w.frames <= 3);
}

TEST_CASE("Checkpointer on a database it cannot open does nothing and never blocks") {
    mj::Checkpointer checkpointer("/nonexistent/folder/t.db");
    checkpointer.request();
    checkpointer.drain();
    CHECK(checkpointer.stats().checkpoints == 0);
}
