#include "retention/engine.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "core/lease.h"
#include "core/sqlite_db.h"
#include "retention/sql_text.h"

namespace {

using mj::Policy;

// Each case gets its own folder with a migrated database (job_state holds the cap's cursor) and a
// test table `t`: id, owner, status, created_at (indexed), deleted_at; `child` rows point at t.id.
struct TempDb {
    std::string dir;
    mj::Config config;
    std::unique_ptr<mj::Db> db;

    explicit TempDb(int batch_size = 10) {
        char tmpl[] = "/tmp/mj-engine-test.XXXXXX";
        dir = mkdtemp(tmpl);
        std::ofstream(dir + "/jobs.ini") << "[general]\ndatabase = t.db\nlog_file = log\n[job.test-purge]\nbatch_size = "
                                         << batch_size << "\n";
        mj::LoadOptions o;
        o.file = dir + "/jobs.ini";
        o.jobs = {{"test-purge", "@daily"}};
        std::vector<mj::ConfigProblem> problems;
        config = mj::Config::load(o, &problems);
        REQUIRE(problems.empty());
        db = mj::Db::open(dir + "/t.db", 5000);
        db->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, owner INTEGER, status TEXT, created_at INTEGER, deleted_at INTEGER, "
                       "flag INTEGER DEFAULT 0)");
        db->exec("CREATE INDEX t_created_at ON t(created_at)");
        db->exec("CREATE INDEX t_owner ON t(owner, created_at)");
        db->exec("CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER)");
    }
    ~TempDb() {
        db.reset();
        std::system(("rm -rf " + dir).c_str());
    }
    // `seconds_left` < 0: the deadline has passed, so the job stops after its first batch.
    mj::JobContext ctx(mj::DryRun dry = mj::DryRun::no, int seconds_left = 3600) {
        return mj::JobContext(*db, config, "test-purge", 100000, dry,
                              std::chrono::steady_clock::now() + std::chrono::seconds(seconds_left));
    }
    int64_t q(const std::string& sql) { return db->scalar(sql); }
    // rows 1..n with created_at = i (so rows 1..k are older than cutoff k+1)
    void rows(int n, const std::string& status = "read", int owner = 1) {
        db->exec("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < " + std::to_string(n) +
                       ") INSERT INTO t(owner, status, created_at) SELECT " + std::to_string(owner) + ", '" + status + "', i FROM c");
    }
};

Policy age_policy(int64_t cutoff, const std::string& filter = "") {
    Policy p;
    p.table = "t";
    p.time_column = "created_at";
    p.cutoff = cutoff;
    p.filter = filter;
    return p;
}

}  // namespace

TEST_CASE("purge: exactly the rows older than the cutoff go; a row at the cutoff stays") {
    TempDb t;
    t.rows(100);
    auto ctx = t.ctx();
    auto r = mj::purge(ctx, age_policy(40));
    CHECK(r.rows == 39);
    CHECK(r.finished);
    CHECK(t.q("SELECT min(created_at) FROM t") == 40);
    CHECK(t.q("SELECT count(*) FROM t") == 61);
    CHECK(ctx.counts.by_name.at("t") == 39);
    CHECK(ctx.counts.changed == 39);
    auto again = t.ctx();
    CHECK(mj::purge(again, age_policy(40)).rows == 0);  // idempotent
}

TEST_CASE("purge: range deletes for contiguous rowids, list deletes for scattered ones") {
    TempDb t(10);
    SECTION("contiguous: every batch is one rowid range") {
        t.rows(95);
        auto ctx = t.ctx();
        auto r = mj::purge(ctx, age_policy(1000));
        CHECK(r.rows == 95);
        CHECK(r.batches >= 2);
        CHECK(r.range_batches == r.batches);
    }
    SECTION("scattered: list deletes remove exactly the selected rows, never a kept neighbour") {
        t.rows(100);
        t.db->exec("UPDATE t SET status = 'unread' WHERE id % 3 = 0");  // kept by the filter
        auto ctx = t.ctx();
        auto r = mj::purge(ctx, age_policy(1000, "status = 'read'"));
        CHECK(r.rows == 67);
        CHECK(r.range_batches == 0);
        CHECK(t.q("SELECT count(*) FROM t") == 33);
        CHECK(t.q("SELECT count(*) FROM t WHERE id % 3 <> 0") == 0);
    }
}

TEST_CASE("purge: dry-run counts what the real run deletes and changes nothing") {
    TempDb t;
    t.rows(50);
    t.db->exec("UPDATE t SET status = 'unread' WHERE id % 5 = 0");
    auto dry = t.ctx(mj::DryRun::yes);
    auto d = mj::purge(dry, age_policy(31, "status = 'read'"));
    CHECK(t.q("SELECT count(*) FROM t") == 50);
    CHECK(mj::count_selected(*t.db, age_policy(31, "status = 'read'")) == d.rows);
    auto real = t.ctx();
    CHECK(mj::purge(real, age_policy(31, "status = 'read'")).rows == d.rows);
    CHECK(d.rows == 24);
}

TEST_CASE("purge: before_delete sees exactly the rows that go; dependents go with them") {
    TempDb t(7);
    t.rows(30);
    t.db->exec("INSERT INTO child(parent_id) SELECT id FROM t");
    t.db->exec("INSERT INTO child(parent_id) SELECT id FROM t WHERE id > 20");
    std::vector<int64_t> seen;
    Policy p = age_policy(21);
    p.dependents = {{"child", "parent_id"}};
    p.before_delete = [&](mj::JobContext&, const std::vector<int64_t>& ids) {
        CHECK(std::is_sorted(ids.begin(), ids.end()));
        seen.insert(seen.end(), ids.begin(), ids.end());
    };
    auto ctx = t.ctx();
    CHECK(mj::purge(ctx, p).rows == 20);
    REQUIRE(seen.size() == 20);
    for (int i = 0; i < 20; ++i) CHECK(seen[i] == i + 1);
    CHECK(t.q("SELECT count(*) FROM child WHERE parent_id <= 20") == 0);
    CHECK(t.q("SELECT count(*) FROM child") == 20);  // children of rows that stay, stay
    CHECK(ctx.counts.by_name.at("child") == 20);
}

TEST_CASE("purge: a hook that throws rolls its batch back; committed batches stay") {
    TempDb t(10);
    t.rows(40);
    Policy p = age_policy(100);
    int calls = 0;
    p.before_delete = [&](mj::JobContext&, const std::vector<int64_t>&) {
        if (++calls == 2) throw std::runtime_error("archive failed");
    };
    auto ctx = t.ctx();
    CHECK_THROWS_WITH(mj::purge(ctx, p), "archive failed");
    CHECK(t.q("SELECT count(*) FROM t") == 30);  // batch 1 (10 rows) committed, batch 2 rolled back
}

TEST_CASE("purge: soft delete stamps the column and selects only live rows; update sets columns") {
    TempDb t;
    t.rows(20);
    t.db->exec("UPDATE t SET deleted_at = 5 WHERE id <= 3");
    Policy p = age_policy(11);
    p.action = Policy::Action::soft_delete;
    auto ctx = t.ctx();
    CHECK(mj::purge(ctx, p).rows == 7);  // 1..10, minus the 3 already soft-deleted
    CHECK(t.q("SELECT count(*) FROM t WHERE deleted_at = 100000") == 7);
    CHECK(t.q("SELECT count(*) FROM t") == 20);
    auto again = t.ctx();
    CHECK(mj::purge(again, p).rows == 0);

    Policy u = age_policy(16, "flag = 0");
    u.action = Policy::Action::update;
    u.update_set = "flag = 1";
    auto uctx = t.ctx();
    CHECK(mj::purge(uctx, u).rows == 15);
    CHECK(t.q("SELECT count(*) FROM t WHERE flag = 1") == 15);
}

TEST_CASE("purge: stops between batches when the budget is spent; the next call finishes") {
    TempDb t(10);
    t.rows(100);
    auto late = t.ctx(mj::DryRun::no, -1);
    auto r = mj::purge(late, age_policy(1000));
    CHECK_FALSE(r.finished);
    CHECK(r.batches == 1);
    CHECK(r.rows == 10);
    CHECK(late.stop_reason() == "budget reached");
    auto next = t.ctx();
    auto r2 = mj::purge(next, age_policy(1000));
    CHECK(r2.finished);
    CHECK(r2.rows == 90);
    CHECK(t.q("SELECT count(*) FROM t") == 0);
}

TEST_CASE("purge: adaptive batch size stays within its bounds") {
    TempDb t(5);
    t.rows(5000);
    auto ctx = t.ctx();
    auto r = mj::purge(ctx, age_policy(100000));
    CHECK(r.rows == 5000);
    CHECK(r.max_batch >= 5);
    CHECK(r.max_batch <= mj::BatchSizer::for_batch_size(5, 1000000).max_rows);
    CHECK(r.batches < 5000 / 5);  // it grew: cheap rows need fewer, larger batches
}

TEST_CASE("sql_text: identifiers are quoted, ranges only for gap-free rowids") {
    CHECK(mj::quote_ident("t") == "\"t\"");
    CHECK(mj::quote_ident("a\"b") == "\"a\"\"b\"");
    CHECK(mj::rowid_target({3, 4, 5}, "rowid") == "rowid BETWEEN 3 AND 5");
    CHECK(mj::rowid_target({3, 5}, "rowid") == "rowid IN (3,5)");
    CHECK(mj::rowid_target({7}, "rowid") == "rowid BETWEEN 7 AND 7");
}

TEST_CASE("purge with a cap: newest N per owner stay, only filtered rows go, others untouched") {
    TempDb t(7);
    // owner 1: 30 rows, created_at 1..30; every 4th unread. owner 2: 12 rows (under the threshold).
    t.rows(30, "read", 1);
    t.db->exec("UPDATE t SET status = 'unread' WHERE owner = 1 AND created_at % 4 = 0");
    t.rows(12, "read", 2);
    // a tie at the boundary: two rows of owner 1 with created_at 25 (newest-by-id wins)
    t.db->exec("UPDATE t SET created_at = 25 WHERE owner = 1 AND created_at = 26");
    Policy p;
    p.table = "t";
    p.time_column = "created_at";
    p.action = Policy::Action::soft_delete;
    p.filter = "status = 'read'";
    p.cap = mj::Cap{"owner", 6, 15};
    // Expected, computed independently: owner 1's newest 6 by (created_at, id) stay; of the rest,
    // the read ones go.
    int64_t expected = t.q("SELECT count(*) FROM t WHERE owner = 1 AND status = 'read' AND id NOT IN "
                           "(SELECT id FROM t WHERE owner = 1 ORDER BY created_at DESC, id DESC LIMIT 6)");
    CHECK(mj::count_selected(*t.db, p) == expected);
    auto dry = t.ctx(mj::DryRun::yes);
    CHECK(mj::purge(dry, p).rows == expected);
    auto ctx = t.ctx();
    auto r = mj::purge(ctx, p);
    CHECK(r.rows == expected);
    CHECK(r.owners == 1);
    CHECK(t.q("SELECT count(*) FROM t WHERE deleted_at IS NOT NULL AND (owner = 2 OR status = 'unread')") == 0);
    CHECK(t.q("SELECT count(*) FROM (SELECT deleted_at FROM t WHERE owner = 1 ORDER BY created_at DESC, id DESC LIMIT 6) "
              "WHERE deleted_at IS NOT NULL") == 0);
    CHECK(t.q("SELECT count(*) FROM t WHERE owner = 1 AND status = 'read' AND deleted_at IS NULL") ==
          t.q("SELECT count(*) FROM (SELECT status FROM t WHERE owner = 1 ORDER BY created_at DESC, id DESC LIMIT 6) "
              "WHERE status = 'read'"));
    auto again = t.ctx();
    CHECK(mj::purge(again, p).rows == 0);
}

TEST_CASE("purge with a cap: an interrupted pass resumes at its owner even below the threshold") {
    TempDb t(5);
    t.rows(40, "read", 1);  // over the threshold 30; keeping 5 means 35 go
    t.rows(40, "read", 2);
    Policy p;
    p.table = "t";
    p.time_column = "created_at";
    p.action = Policy::Action::soft_delete;
    p.filter = "status = 'read'";
    p.cap = mj::Cap{"owner", 5, 30};
    auto late = t.ctx(mj::DryRun::no, -1);
    auto r = mj::purge(late, p);
    CHECK_FALSE(r.finished);
    CHECK(r.rows == 5);  // one batch of owner 1: it now has 35 live rows
    CHECK(t.q("SELECT count(*) FROM t WHERE owner = 1 AND deleted_at IS NULL") == 35);
    // Make owner 1 drop under the threshold meanwhile: a fresh pass would skip it.
    t.db->exec("DELETE FROM t WHERE owner = 1 AND deleted_at IS NULL AND created_at BETWEEN 6 AND 10");
    {
        mj::Statement c(*t.db, "SELECT cursor FROM job_state WHERE job = 'test-purge'");
        REQUIRE(c.step());
        CHECK(c.column(0).as_text() == "{\"cap:t\":1}");  // the owner to resume at
    }
    auto dry = t.ctx(mj::DryRun::yes);
    CHECK(mj::purge(dry, p).rows == 25 + 35);  // resumes owner 1 (25 left), then owner 2
    auto next = t.ctx();
    auto r2 = mj::purge(next, p);
    CHECK(r2.finished);
    CHECK(r2.rows == 60);
    CHECK(t.q("SELECT count(*) FROM t WHERE deleted_at IS NULL") == 10);
    mj::Statement c(*t.db, "SELECT cursor FROM job_state WHERE job = 'test-purge'");
    REQUIRE(c.step());
    CHECK(c.column(0).as_text() == "{}");  // the pass completed: no resume point left
}

namespace {

// slow_ms(N): sleeps N ms and returns 1: paces a purge. (Not for the time bound: the progress
// handler counts VM instructions, and a sleeping function runs none.)
void slow_ms(sqlite3_context* c, int, sqlite3_value** argv) {
    std::this_thread::sleep_for(std::chrono::milliseconds(sqlite3_value_int64(argv[0])));
    sqlite3_result_int(c, 1);
}

void add_slow_ms(mj::Db& db) {
    REQUIRE(sqlite3_create_function(mj::sqlite_handle(db).getHandle(), "slow_ms", 1, SQLITE_UTF8, nullptr, slow_ms, nullptr, nullptr) == SQLITE_OK);
}

// A condition that is true and costs `n` rows of a recursive CTE, evaluated per row (correlated).
std::string cte_rows(const std::string& n) {
    return "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < " + n +
           ") SELECT count(*) FROM c WHERE i > -t.id) > 0";
}

}  // namespace

TEST_CASE("purge: a batch over max_transaction is stopped, rolled back and retried smaller; every row still goes") {
    TempDb t(50);
    t.rows(60);
    // 100 ms: one row must fit under the bound on the slowest build (ASan on a loaded machine,
    // ~8x a fast machine's time: 30 ms was passed by a single row there) and 50 must not on the
    // fastest.
    t.db->set_max_transaction_us(100000);
    t.db->reset_txn_stats();  // the migrations (not bounded)
    // 5-40 ms of VM work a row (a correlated recursive CTE; 0.18 us a CTE row on a fast machine):
    // a batch of 50 would hold the lock 0.25-2 s. (3000 CTE rows fitted 50 rows into 27 ms there.)
    Policy p = age_policy(1000, cte_rows("30000"));
    int rollbacks = 0;
    p.after_rollback = [&] { ++rollbacks; };
    auto ctx = t.ctx();
    auto r = mj::purge(ctx, p);
    CHECK(r.finished);
    CHECK(r.rows == 60);
    CHECK(t.q("SELECT count(*) FROM t") == 0);
    CHECK(r.stopped_batches >= 1);
    CHECK(rollbacks == r.stopped_batches);
    CHECK(r.max_txn_us >= 100000);          // the stopped ones held it up to the bound,
    CHECK(r.max_txn_us < 100000 + 50000);   // and not much longer
    CHECK(t.db->max_txn_us() < 100000 + 50000);
    CHECK(ctx.counts.changed == 60);
}

TEST_CASE("purge: a single row over max_transaction stops the policy with TransactionTooLong; committed batches stay") {
    TempDb t(2);
    t.rows(8);
    t.db->set_max_transaction_us(20000);
    Policy p = age_policy(1000, cte_rows("CASE WHEN t.id = 6 THEN 300000 ELSE 1 END"));  // row 6: ~0.2 s of CPU
    int rollbacks = 0;
    p.after_rollback = [&] { ++rollbacks; };
    auto ctx = t.ctx();
    CHECK_THROWS_AS(mj::purge(ctx, p), mj::TransactionTooLong);
    CHECK(t.q("SELECT count(*) FROM t WHERE id < 6") == 0);  // every batch before the slow row committed
    CHECK(t.q("SELECT count(*) FROM t WHERE id = 6") == 1);  // the slow row is still there
    CHECK(t.q("SELECT count(*) FROM t") == 3);               // and so are the rows after it
    CHECK(rollbacks >= 2);                                   // [5,6] or [6,7], then [6]
    CHECK(ctx.counts.changed == 5);
}

TEST_CASE("purge: batch_size far beyond its maximum is clamped") {
    TempDb t;
    t.rows(3000);
    Policy p = age_policy(100000);
    p.batch_size = 999999999999999;
    auto ctx = t.ctx();
    auto r = mj::purge(ctx, p);
    CHECK(r.rows == 3000);
    CHECK(r.max_batch <= mj::kMaxBatchRows);
}

TEST_CASE("purge: after the lease is removed (unlock --force) no further batch commits") {
    TempDb t(10);
    t.rows(300);
    add_slow_ms(*t.db);  // ~10 ms batches, so the writers' gap after each is ~10 ms (purge_connection.h)
    std::optional<mj::Lease> lease;
    t.db->write([&] { lease = mj::Lease::acquire_in_txn(*t.db, "test-purge", 60, nullptr); });
    REQUIRE(lease);
    mj::LeaseWriteCheck check(*t.db, &*lease);  // what the runner installs around a job
    std::atomic<bool> unlocked{false};
    std::atomic<bool> hook_after_unlock{false};
    int batches = 0;
    std::thread unlock;
    Policy p = age_policy(1000, "slow_ms(1) = 1");
    int64_t deleted = 0;
    p.before_delete = [&](mj::JobContext&, const std::vector<int64_t>& ids) {
        deleted += static_cast<int64_t>(ids.size());
        if (unlocked) hook_after_unlock = true;  // a batch transaction that began after the unlock
        if (++batches != 2) return;
        // Another process runs `unlock --force`: it waits for our lock, gets it between batches.
        unlock = std::thread([&, dir = t.dir] {
            SQLite::Database other(dir + "/t.db", SQLite::OPEN_READWRITE);
            other.setBusyTimeout(5000);
            other.exec("DELETE FROM job_locks");
            unlocked = true;
        });
    };
    auto ctx = t.ctx();
    ctx.lease = &*lease;
    CHECK_THROWS_AS(mj::purge(ctx, p), mj::LeaseLost);
    unlock.join();
    CHECK(unlocked);
    CHECK_FALSE(hook_after_unlock);
    CHECK(t.q("SELECT count(*) FROM t") == 300 - deleted);  // every batch that ran committed, no other
    CHECK(batches >= 2);
    CHECK(t.q("SELECT count(*) FROM t") > 0);  // stopped, not finished
}
