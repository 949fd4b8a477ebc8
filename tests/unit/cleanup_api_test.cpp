#include "api/cleanup_api.h"

#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/error.h"
#include "core/job_catalogue.h"

namespace {

struct TempDb {
    std::string dir;
    std::unique_ptr<mj::Db> db;
    mj::Config config;
    TempDb() {
        char tmpl[] = "/tmp/mj-cleanup-api-test.XXXXXX";
        dir = mkdtemp(tmpl);
        db = mj::Db::open(dir + "/t.db", 1000);
        mj::LoadOptions lo;
        lo.file = "/nonexistent-dir-for-defaults/jobs.ini";  // explicit but missing: a problem we ignore
        lo.jobs = mj::job_defaults();
        std::vector<mj::ConfigProblem> problems;
        config = mj::Config::load(lo, &problems);
    }
    ~TempDb() { std::system(("rm -rf " + dir).c_str()); }
};

int usage_error(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const mj::Error& e) {
        return e.code;
    }
    return 0;
}

}  // namespace

TEST_CASE("cleanup_jobs: every cleanup job of the registry, or the one named") {
    auto all = mj::cleanup_jobs("");
    REQUIRE(all.size() >= 2);
    for (const mj::JobDef* j : all) CHECK(std::string(j->group) == "cleanup");
    for (size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1]->priority >= all[i]->priority);
    size_t in_registry = 0;
    for (const auto& j : mj::job_registry()) in_registry += std::string(j.group) == "cleanup";
    CHECK(all.size() == in_registry);

    auto one = mj::cleanup_jobs("session-cleanup");
    REQUIRE(one.size() == 1);
    CHECK(std::string(one[0]->name) == "session-cleanup");
    CHECK(usage_error([] { mj::cleanup_jobs("sesion-cleanup"); }) == mj::kExitUsage);
    for (const auto& j : mj::job_registry())
        if (std::string(j.group) != "cleanup") CHECK(usage_error([&] { mj::cleanup_jobs(j.name); }) == mj::kExitUsage);
}

TEST_CASE("parse_age: exact durations, usage error otherwise") {
    CHECK(mj::parse_age("6h", "olderThan") == 21600);
    CHECK(mj::parse_age("30d", "olderThan") == 30 * 86400);
    for (const char* bad : {"30x", "-5d", "0", "", "d"}) CHECK(usage_error([&] { mj::parse_age(bad, "olderThan"); }) == mj::kExitUsage);
}

TEST_CASE("cleanup_preview: counts without writing, with each job's cutoff") {
    TempDb t;
    int64_t now = 1795000000;
    t.db->exec("INSERT INTO users(id, email) VALUES (1, 'a@example.com')");
    t.db->exec("INSERT INTO magic_links(user_id, token_hash, expires_at) VALUES (1, 'old', " + std::to_string(now - 3 * 86400) +
                     "), (1, 'new', " + std::to_string(now - 3600) + ")");
    int64_t changes_before = t.db->scalar("SELECT total_changes()");
    mj::CleanupRequest r;
    r.job = "magic-link-expiry";
    r.now = now;
    auto p = mj::cleanup_preview(*t.db, t.config, r);
    REQUIRE(p["jobs"].size() == 1);
    CHECK(p["jobs"][0]["wouldDelete"]["magic_links"] == 1);
    CHECK(p["jobs"][0]["cutoff"] == "2026-11-17T11:06:40Z");  // now - 1d
    CHECK(p["total"] == 1);
    CHECK(t.db->scalar("SELECT total_changes()") == changes_before);
    CHECK(t.db->scalar("SELECT count(*) FROM job_runs") == 0);
    CHECK(t.db->scalar("SELECT count(*) FROM magic_links") == 2);
    // the read-only guard is lifted afterwards
    CHECK(t.db->scalar("PRAGMA query_only") == 0);

    r.older_than = 60;
    CHECK(mj::cleanup_preview(*t.db, t.config, r)["jobs"][0]["wouldDelete"]["magic_links"] == 2);
}

TEST_CASE("cleanup_execute: an age override needs a named job") {
    TempDb t;
    mj::CleanupRequest r;
    r.now = 1795000000;
    r.older_than = 86400;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    CHECK(usage_error([&] { mj::cleanup_execute(*t.db, t.config, r, mj::Trigger::api, mj::DryRun::no, deadline); }) == mj::kExitUsage);
    CHECK(t.db->scalar("SELECT count(*) FROM job_runs") == 0);
}
