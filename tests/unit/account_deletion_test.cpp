// account-deletion (jobs/account_deletion.cpp) against a migrated database: the grace, the undo,
// the other user untouched, the cursor (a running deletion resumes at its at_table, never going
// back), the budget (stops between batches, the next call finishes), dry-run writes nothing.
#include "jobs/account_deletion.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "account_deletion_fixture.h"

namespace {

constexpr int64_t kNow = 1800000000;

struct Fixture : AccountDeletionDb {
    explicit Fixture(const std::string& extra = "") : AccountDeletionDb(extra) {
        for (int u = 1; u <= 2; ++u) {
            const std::string s = std::to_string(u);
            db->exec("INSERT INTO users(id, uuid, email) VALUES(" + s + ", 'uuid-" + s + "', 'u" + s + "@example.com');"
                     "INSERT INTO aliases(user_id, address) VALUES(" + s + ", 'a" + s + "@x.example'), (" + s + ", 'b" + s + "@x.example');"
                     "INSERT INTO message_logs(user_id, outcome) VALUES(" + s + ", 'delivered'), (" + s + ", 'held');"
                     "INSERT INTO audit_logs(user_id, actor, action) VALUES(" + s + ", 'user:uuid-" + s + "', 'login');");
        }
    }
    mj::Outcome run(mj::DryRun dry = mj::DryRun::no, std::chrono::seconds budget = std::chrono::hours(1), int64_t now = kNow) {
        mj::JobContext ctx(*db, config, "account-deletion", now, dry, std::chrono::steady_clock::now() + budget);
        last_counts = ctx.counts;
        mj::Outcome o = mj::account_deletion(ctx);
        last_counts = ctx.counts;
        return o;
    }
    int64_t n(const std::string& sql) { return db->scalar(sql); }
    mj::Counts last_counts;
};

}  // namespace

TEST_CASE("account-deletion: grace, undo, the other user untouched", "[account-deletion]") {
    Fixture f;
    f.db->exec("UPDATE users SET status = 'deleted', deleted_at = " + std::to_string(kNow - 2 * 86400) + " WHERE id = 1");
    CHECK(f.run() == mj::Outcome::done);
    CHECK(f.n("SELECT count(*) FROM users") == 2);  // 2 d < 3 d grace
    CHECK(f.n("SELECT count(*) FROM account_deletions") == 0);

    SECTION("after the grace: user 1 purged, user 2 untouched") {
        CHECK(f.run(mj::DryRun::no, std::chrono::hours(1), kNow + 86400) == mj::Outcome::done);
        CHECK(f.n("SELECT count(*) FROM users WHERE id = 1") == 0);
        CHECK(f.n("SELECT count(*) FROM aliases WHERE user_id = 1") == 0);
        CHECK(f.n("SELECT count(*) FROM message_logs WHERE user_id = 1") == 0);
        CHECK(f.n("SELECT count(*) FROM audit_logs WHERE actor = 'user:uuid-1' AND user_id IS NULL") == 1);
        CHECK(f.n("SELECT count(*) FROM aliases WHERE user_id = 2") == 2);
        CHECK(f.n("SELECT count(*) FROM message_logs WHERE user_id = 2") == 2);
        CHECK(f.n("SELECT count(*) FROM audit_logs WHERE user_id = 2") == 1);
        CHECK(f.n("SELECT count(*) FROM account_deletions WHERE status = 'done' AND at_table IS NULL") == 1);
        CHECK(f.last_counts.by_name["aliases"] == 2);
        CHECK(f.last_counts.by_name["users"] == 1);
        CHECK(f.run(mj::DryRun::no, std::chrono::hours(1), kNow + 86400) == mj::Outcome::done);  // rerun
        CHECK(f.last_counts.changed == 0);
    }
    SECTION("undone during the grace: never touched") {
        f.db->exec("UPDATE users SET status = 'active', deleted_at = NULL WHERE id = 1");
        CHECK(f.run(mj::DryRun::no, std::chrono::hours(1), kNow + 86400) == mj::Outcome::done);
        CHECK(f.n("SELECT count(*) FROM users") == 2);
        CHECK(f.n("SELECT count(*) FROM aliases") == 4);
        CHECK(f.n("SELECT count(*) FROM account_deletions") == 0);
    }
}

TEST_CASE("account-deletion: dry-run counts and writes nothing", "[account-deletion]") {
    Fixture f("grace = 0\n");
    f.db->exec("UPDATE users SET deleted_at = " + std::to_string(kNow) + " WHERE id = 1");
    CHECK(f.run(mj::DryRun::yes) == mj::Outcome::done);
    const mj::Counts dry = f.last_counts;
    CHECK(dry.by_name.at("aliases") == 2);
    CHECK(f.n("SELECT count(*) FROM account_deletions") == 0);
    CHECK(f.n("SELECT count(*) FROM notification_outbox") == 0);
    CHECK(f.n("SELECT count(*) FROM users") == 2);
    CHECK(f.run() == mj::Outcome::done);
    CHECK(f.last_counts.by_name == dry.by_name);
    CHECK(f.last_counts.changed == dry.examined);  // a dry-run reports "would change" as examined (cli/report.cpp)
}

TEST_CASE("account-deletion: a running deletion resumes at its cursor", "[account-deletion]") {
    Fixture f;
    // A deletion that an earlier run left at `aliases`: tables before it are not walked again.
    f.db->exec("INSERT INTO account_deletions(user_id, user_uuid, requested_at, started_at, status, counts, at_table) "
               "VALUES(1, 'uuid-1', 1, 1, 'running', '{\"message_logs\":5}', 'aliases')");
    CHECK(f.run() == mj::Outcome::done);
    CHECK(f.n("SELECT count(*) FROM users WHERE id = 1") == 0);
    CHECK(f.n("SELECT count(*) FROM aliases WHERE user_id = 1") == 0);
    CHECK(f.n("SELECT json_extract(counts, '$.message_logs') FROM account_deletions WHERE user_uuid = 'uuid-1'") == 5);
    CHECK(f.n("SELECT json_extract(counts, '$.aliases') FROM account_deletions WHERE user_uuid = 'uuid-1'") == 2);
    CHECK(f.n("SELECT count(*) FROM account_deletions WHERE status = 'done'") == 1);
    CHECK(f.n("SELECT count(*) FROM users WHERE id = 2") == 1);  // deleted_at NULL: untouched
}

TEST_CASE("account-deletion: a spent budget stops before the next batch", "[account-deletion]") {
    Fixture f("grace = 0\n");
    f.db->exec("UPDATE users SET deleted_at = " + std::to_string(kNow) + " WHERE id = 1");
    CHECK(f.run(mj::DryRun::no, std::chrono::seconds(-1)) == mj::Outcome::more);
    CHECK(f.n("SELECT count(*) FROM users") == 2);
    CHECK(f.run() == mj::Outcome::done);
    CHECK(f.n("SELECT count(*) FROM users") == 1);
}
