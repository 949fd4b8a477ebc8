#include "core/lease.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "core/db.h"

namespace {

struct TempDb {
    std::string dir;
    std::unique_ptr<mj::Db> db;
    TempDb() {
        char tmpl[] = "/tmp/mj-lease-test.XXXXXX";
        dir = mkdtemp(tmpl);
        db = mj::Db::open(dir + "/t.db", 1000);
    }
    ~TempDb() { db.reset(); std::system(("rm -rf " + dir).c_str()); }
    std::optional<mj::Lease> take(const std::string& job, mj::LeaseHolder* h = nullptr) {
        std::optional<mj::Lease> l;
        db->write([&] { l = mj::Lease::acquire_in_txn(*db, job, 60, h); });
        return l;
    }
};

}  // namespace

TEST_CASE("Lease: one holder at a time, released only by its owner") {
    TempDb t;
    auto a = t.take("job-a");
    REQUIRE(a);
    mj::LeaseHolder h;
    CHECK_FALSE(t.take("job-a", &h));
    CHECK(h.owner == a->owner());
    CHECK(h.pid == getpid());
    CHECK(t.take("job-b"));  // another job is independent
    // A stale handle with another owner token cannot release or renew our row.
    t.db->exec("UPDATE job_locks SET owner = 'someone-else' WHERE job = 'job-a'");
    a->release();
    CHECK(t.db->scalar("SELECT count(*) FROM job_locks WHERE job = 'job-a'") == 1);
    CHECK_FALSE(a->heartbeat(60));
}

TEST_CASE("Lease: an expired lease is taken over") {
    TempDb t;
    t.db->exec("INSERT INTO job_locks(job, owner, host, pid, acquired_at, heartbeat_at, expires_at) "
                     "VALUES('j', 'other', 'elsewhere', 1, 0, 0, strftime('%s','now') - 1)");
    auto l = t.take("j");
    REQUIRE(l);
    CHECK(t.db->scalar("SELECT count(*) FROM job_locks WHERE owner = '" + l->owner() + "'") == 1);
}

TEST_CASE("Lease: a live lease of another host is honoured until it expires") {
    TempDb t;
    t.db->exec("INSERT INTO job_locks(job, owner, host, pid, acquired_at, heartbeat_at, expires_at) "
                     "VALUES('j', 'other', 'elsewhere', 1, 0, 0, strftime('%s','now') + 100)");
    CHECK_FALSE(t.take("j"));
    CHECK(mj::Lease::live_holder(*t.db, "j"));
}

TEST_CASE("Lease: a lease whose owner process died on this host is taken over at once") {
    TempDb t;
    pid_t child = fork();
    if (child == 0) _exit(0);
    int status = 0;
    waitpid(child, &status, 0);  // now a pid that does not exist
    t.db->exec("INSERT INTO job_locks(job, owner, host, pid, acquired_at, heartbeat_at, expires_at) VALUES('j', 'dead', '" +
                     mj::Lease::host() + "', " + std::to_string(child) + ", 0, 0, strftime('%s','now') + 100)");
    CHECK_FALSE(mj::Lease::live_holder(*t.db, "j"));
    CHECK(t.take("j"));
}

TEST_CASE("Lease: heartbeat extends the expiry") {
    TempDb t;
    auto l = t.take("j");
    REQUIRE(l);
    t.db->exec("UPDATE job_locks SET expires_at = 5");
    CHECK(l->heartbeat(300));
    CHECK(t.db->scalar("SELECT expires_at FROM job_locks") >= mj::wall_now() + 299);
}

TEST_CASE("LeaseWriteCheck: once the lease row is gone or someone else's, the run commits nothing more") {
    TempDb t;
    auto l = t.take("j");
    REQUIRE(l);
    {
        mj::LeaseWriteCheck check(*t.db, &*l);
        t.db->write([&] { t.db->exec("INSERT INTO users(email) VALUES('a@x')"); });
        CHECK(t.db->scalar("SELECT count(*) FROM users") == 1);
        SECTION("unlock --force deletes the row") { t.db->exec("DELETE FROM job_locks WHERE job = 'j'"); }
        SECTION("another process took it over") { t.db->exec("UPDATE job_locks SET owner = 'other' WHERE job = 'j'"); }
        bool ran = false;
        CHECK_THROWS_AS(t.db->write([&] {
            ran = true;
            t.db->exec("INSERT INTO users(email) VALUES('b@x')");
        }), mj::LeaseLost);
        CHECK_FALSE(ran);  // checked before the body: no work under a lost lease
        CHECK(t.db->scalar("SELECT count(*) FROM users") == 1);
        // The heartbeat is not refused by the check: it reports the loss itself.
        CHECK_FALSE(l->heartbeat(60));
        try {
            t.db->write([] {});
        } catch (const mj::LeaseLost& e) {
            CHECK(std::string(e.what()).rfind("lease lost", 0) == 0);  // the runner's reason
        }
    }
    // Outside the job (the runner records the run) writes work again.
    t.db->write([&] { t.db->exec("INSERT INTO users(email) VALUES('c@x')"); });
    CHECK(t.db->scalar("SELECT count(*) FROM users") == 2);
}

TEST_CASE("LeaseWriteCheck: an expired lease nobody took over is still ours; no lease (dry run) checks nothing") {
    TempDb t;
    auto l = t.take("j");
    REQUIRE(l);
    t.db->exec("UPDATE job_locks SET expires_at = 5");
    {
        mj::LeaseWriteCheck check(*t.db, &*l);
        CHECK_NOTHROW(t.db->write([] {}));
    }
    mj::LeaseWriteCheck none(*t.db, nullptr);
    t.db->exec("DELETE FROM job_locks");
    CHECK_NOTHROW(t.db->write([] {}));
}

TEST_CASE("release_dead_lease_in_txn: removes an expired or dead holder's row, never a live one", "[lease]") {
    TempDb t;
    mj::DeadLeaseRelease r{};
    t.db->write([&] { r = mj::release_dead_lease_in_txn(*t.db, "job-a", nullptr); });
    CHECK(r == mj::DeadLeaseRelease::no_lease);
    auto a = t.take("job-a");  // held by this live process
    mj::LeaseHolder live;
    t.db->write([&] { r = mj::release_dead_lease_in_txn(*t.db, "job-a", &live); });
    CHECK(r == mj::DeadLeaseRelease::live);
    CHECK(live.owner == a->owner());
    t.db->exec("UPDATE job_locks SET expires_at = 1 WHERE job = 'job-a'");  // expired
    t.db->write([&] { r = mj::release_dead_lease_in_txn(*t.db, "job-a", nullptr); });
    CHECK(r == mj::DeadLeaseRelease::released);
    CHECK(t.db->scalar("SELECT count(*) FROM job_locks") == 0);
}
