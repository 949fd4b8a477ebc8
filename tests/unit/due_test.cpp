#include "core/due.h"

#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/job_catalogue.h"

namespace {

struct TempDb {
    std::string dir;
    std::unique_ptr<mj::Db> db;
    TempDb() {
        char tmpl[] = "/tmp/mj-due-test.XXXXXX";
        dir = mkdtemp(tmpl);
        db = mj::Db::open(dir + "/t.db", 1000);
    }
    ~TempDb() { db.reset(); std::system(("rm -rf " + dir).c_str()); }
};

mj::Config config_with(std::vector<std::string> sets) {
    mj::LoadOptions o;
    o.file = "/nonexistent/jobs.ini.none";
    o.jobs = mj::job_defaults();
    o.cli_sets = std::move(sets);
    std::vector<mj::ConfigProblem> problems;
    return mj::Config::load(o, &problems);
}

}  // namespace

TEST_CASE("tick_health: stale without a tick and past 3 intervals; worker mode uses worker_interval", "[due]") {
    TempDb t;
    const auto cron = config_with({"general.cron_interval=5m"});
    auto h = mj::tick_health(*t.db, cron, 1700000000);
    CHECK(h.last_at == 0);
    CHECK(h.stale);
    mj::record_tick(*t.db, 1700000000);
    h = mj::tick_health(*t.db, cron, 1700000000 + 15 * 60);
    CHECK(h.last_at == 1700000000);
    CHECK(h.interval == 300);
    CHECK_FALSE(h.stale);  // exactly 3 intervals: still alive
    CHECK(mj::tick_health(*t.db, cron, 1700000000 + 15 * 60 + 1).stale);
    const auto worker = config_with({"general.mode=worker", "general.worker_interval=60s"});
    h = mj::tick_health(*t.db, worker, 1700000000 + 181);
    CHECK(h.worker);
    CHECK(h.interval == 60);
    CHECK(h.stale);
}

TEST_CASE("make_due_now: stores next_due_at = now, for a job with or without a state row", "[due]") {
    TempDb t;
    mj::make_due_now(*t.db, "vacuum", 1700000000);
    CHECK(t.db->scalar("SELECT next_due_at FROM job_state WHERE job = 'vacuum'") == 1700000000);
    t.db->exec("UPDATE job_state SET next_due_at = 1800000000, consecutive_failures = 2 WHERE job = 'vacuum'");
    mj::make_due_now(*t.db, "vacuum", 1700000100);
    CHECK(t.db->scalar("SELECT next_due_at FROM job_state WHERE job = 'vacuum'") == 1700000100);
    CHECK(t.db->scalar("SELECT consecutive_failures FROM job_state WHERE job = 'vacuum'") == 2);  // nothing else touched
}
