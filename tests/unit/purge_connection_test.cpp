#include "retention/purge_connection.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <unistd.h>

#include "core/db.h"

namespace {

struct TempDb {
    std::string dir;
    std::unique_ptr<mj::Db> db;
    TempDb() {
        char tmpl[] = "/tmp/mj-purge-connection-test.XXXXXX";
        dir = mkdtemp(tmpl);
        db = mj::Db::open(dir + "/t.db", 5000, mj::Db::Migrate::no);
        db->exec("CREATE TABLE t(x BLOB)");
    }
    ~TempDb() {
        db.reset();
        std::system(("rm -rf " + dir).c_str());
    }
    int64_t q(const std::string& sql) { return db->scalar(sql); }
    // One purge-like batch of about `pages` pages, through PurgeConnection::write as the engine's.
    void batch(mj::PurgeConnection& c, int pages) {
        c.write(*db, [&] {
            db->exec("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < " +
                           std::to_string(pages) + ") INSERT INTO t SELECT randomblob(4000) FROM c");
        });
    }
};

}  // namespace

TEST_CASE("PurgeConnection restores the connection's settings when the purge ends") {
    TempDb t;
    t.db->exec("PRAGMA secure_delete = ON");
    const int64_t cache = t.q("PRAGMA cache_size");
    {
        mj::PurgeConnection c(*t.db);
        CHECK(t.q("PRAGMA secure_delete") == 2);  // FAST
        CHECK(t.q("PRAGMA cache_size") == -16384);
    }
    CHECK(t.q("PRAGMA secure_delete") == 1);
    CHECK(t.q("PRAGMA cache_size") == cache);
    CHECK(t.q("PRAGMA wal_autocheckpoint") == 1000);
}

TEST_CASE("writer_gap_us: long enough for the next poll of any writer that arrived during the batch") {
    // SQLite's default busy handler tries at 0, 1, 3, 8, 18, 33, 53 ms.
    CHECK(mj::writer_gap_us(300) == 1000);     // a vacuum step
    CHECK(mj::writer_gap_us(1000) == 1000);
    CHECK(mj::writer_gap_us(2500) == 2000);
    CHECK(mj::writer_gap_us(8000) == 5000);
    CHECK(mj::writer_gap_us(12000) == 10000);  // a purge batch on target
    CHECK(mj::writer_gap_us(18000) == 10000);
    CHECK(mj::writer_gap_us(18001) == 15000);
    CHECK(mj::writer_gap_us(40000) == 20000);
    CHECK(mj::writer_gap_us(53001) == 25000);
    CHECK(mj::writer_gap_us(128000) == 25000);
    CHECK(mj::writer_gap_us(128001) == 50000);
    CHECK(mj::writer_gap_us(228000) == 50000);
    CHECK(mj::writer_gap_us(228001) == 100000);  // a batch stopped at max_transaction = 200ms
    CHECK(mj::writer_gap_us(500000) == 100000);
}

TEST_CASE("PurgeConnection leaves the write lock free after each batch, as long as the batch needs") {
    TempDb t;
    mj::PurgeConnection c(*t.db);
    using Clock = std::chrono::steady_clock;
    auto waited = [&](int64_t txn_us) {
        c.after_batch(txn_us);
        const auto t0 = Clock::now();
        c.before_batch();
        return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
    };
    const auto t0 = Clock::now();
    c.before_batch();  // nothing committed yet: no wait
    CHECK(Clock::now() - t0 < std::chrono::milliseconds(1));
    CHECK(waited(12000) >= 9500);  // after a 12 ms batch: 10 ms
    const int64_t short_gap = waited(300);
    CHECK(short_gap >= 500);  // after a 0.3 ms step: 1 ms
    CHECK(short_gap < 5000);
}

TEST_CASE("The writers' gap follows a batch of the previous PurgeConnection too (the policy before)") {
    TempDb t;
    { mj::PurgeConnection stopped(*t.db); stopped.after_batch(250000); }  // held 250 ms: 100 ms
    mj::PurgeConnection next(*t.db);
    const auto t0 = std::chrono::steady_clock::now();
    next.before_batch();
    CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(95));
}

TEST_CASE("PurgeConnection keeps the WAL under its bound") {
    TempDb t;
    auto write = [&](int pages) {
        t.db->write([&] {
            t.db->exec("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < " +
                             std::to_string(pages) + ") INSERT INTO t SELECT randomblob(4000) FROM c");
        });
    };
    SECTION("past the bound, after_batch() returns with the WAL copied: the next write starts it over") {
        mj::PurgeConnection c(*t.db, 550);
        write(600);  // past half the automatic checkpoint's mark too
        REQUIRE(c.wal_frames() >= 600);
        c.after_batch(t.db->last_txn_us());
        CHECK(c.bound_waits() == 1);
        write(1);  // at once: a checkpoint still running would leave the WAL growing
        CHECK(c.wal_frames() <= 10);  // not 600 more
    }
    SECTION("under it, many batches stay under it too") {
        mj::PurgeConnection c(*t.db, 600);
        int most = 0;
        for (int i = 0; i < 12; ++i) {
            t.batch(c, 200);
            most = std::max(most, c.wal_frames());
        }
        CHECK(most < 600 + 2 * 230);  // the bound, plus a batch or two written meanwhile
    }
}

TEST_CASE("PurgeConnection leaves the WAL copied when the purge ends") {
    TempDb t;
    {
        mj::PurgeConnection c(*t.db);
        for (int i = 0; i < 3; ++i) t.batch(c, 600);
    }
    t.db->write([&] { t.db->exec("INSERT INTO t VALUES(1)"); });
    mj::Statement st(*t.db, "PRAGMA wal_checkpoint");  // busy, WAL pages, copied
    REQUIRE(st.step());
    CHECK(st.column(0).as_int64() == 0);
    CHECK(st.column(1).as_int64() <= 10);  // that write started the WAL over
    CHECK(t.q("SELECT count(*) FROM t") == 3 * 600 + 1);
}

TEST_CASE("A PurgeConnection made inside another on the same database shares it") {
    TempDb t;
    t.db->exec("PRAGMA secure_delete = ON");
    {
        mj::PurgeConnection outer(*t.db, 550);
        {
            mj::PurgeConnection inner(*t.db);  // the engine's, inside a job's whole-run one
            t.batch(inner, 600);  // past the outer's bound: the outer's checkpointer copied it
            CHECK(outer.bound_waits() == 1);
            CHECK(inner.bound_waits() == 1);
            t.batch(inner, 1);
            CHECK(inner.wal_frames() <= 10);  // the WAL started over: the checkpoint had run
        }
        // The inner one restored nothing: the outer's settings hold until it ends.
        CHECK(t.q("PRAGMA secure_delete") == 2);
        CHECK(t.q("PRAGMA cache_size") == -16384);
        CHECK(t.q("PRAGMA wal_autocheckpoint") == 0);  // the outer's commit hook replaces it
    }
    CHECK(t.q("PRAGMA secure_delete") == 1);
    CHECK(t.q("PRAGMA wal_autocheckpoint") == 1000);
}
