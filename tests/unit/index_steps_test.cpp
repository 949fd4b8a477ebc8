#include "core/index_steps.h"

#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/queue_depths.h"
#include "delivery/claim.h"

namespace {

struct TempDb {
    std::string dir;
    std::unique_ptr<mj::Db> db;
    TempDb() {
        char tmpl[] = "/tmp/mj-index-steps-test.XXXXXX";
        dir = mkdtemp(tmpl);
        db = mj::Db::open(dir + "/t.db", 1000);
    }
    ~TempDb() {
        db.reset();
        std::system(("rm -rf " + dir).c_str());
    }
    std::string index_sql(const std::string& name) {
        mj::Statement q(*db, "SELECT sql FROM sqlite_master WHERE name = ?1");
        q.bind(1, name);
        return q.step() ? q.column(0).as_text() : "";
    }
    // The plan's lines for `sql` (parameters unbound: the plan does not depend on them).
    std::vector<std::string> plan(const std::string& sql) {
        mj::Statement q(*db, "EXPLAIN QUERY PLAN " + sql);
        std::vector<std::string> out;
        while (q.step()) out.push_back(q.column(3).as_text());
        return out;
    }
    // The old definition of delivery_log_due (migration 1) and `rows` finished deliveries.
    void old_index_with_rows(int64_t rows) {
        db->exec("DROP INDEX delivery_log_due; CREATE INDEX delivery_log_due ON delivery_log(status, next_retry_at)");
        db->exec("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < " + std::to_string(rows) +
                 ") INSERT INTO delivery_log(webhook_url, payload_hash, payload, status, next_retry_at) "
                 "SELECT 'https://x.test/', 'h', '{}', 'delivered', NULL FROM c");
    }
};

// The queues as their jobs describe them (delivery/webhook_queue.cpp, jobs/forward_retry.cpp,
// jobs/notification_delivery.cpp).
const mj::QueueSpec kQueues[] = {
    {"delivery_log", "pending", "delivering", "next_retry_at"},
    {"delivery_log", "failed", "delivering", "next_retry_at"},
    {"failed_emails", "pending", "sending", "next_attempt_at"},
    {"notification_outbox", "queued", "sending", "next_attempt_at"},
};

std::string due_index(const std::string& table) { return table + "_due"; }

// No line of the plan scans the queue's table or one of its indexes from end to end, and one
// line searches its due index.
void check_uses_due_index(TempDb& t, const std::string& table, const std::string& sql) {
    INFO(sql);
    bool searched = false;
    for (const auto& line : t.plan(sql)) {
        INFO(line);
        CHECK(line.rfind("SCAN " + table, 0) != 0);
        if (line.find("INDEX " + due_index(table) + " ") != std::string::npos) searched = true;
    }
    CHECK(searched);
}

}  // namespace

TEST_CASE("index steps: a new database has every due index partial, over the queue's statuses") {
    TempDb t;
    for (const auto& st : mj::index_step_states(*t.db)) {
        INFO(st.step->index);
        CHECK(st.done);
        CHECK(t.index_sql(st.step->index) == st.step->sql);
        CHECK(std::string(st.step->sql).find(" WHERE status = ") != std::string::npos);
    }
}

TEST_CASE("index steps: the claim, claim-expiry and queue-depth queries keep their due index") {
    TempDb t;
    for (const auto& q : kQueues) {
        check_uses_due_index(t, q.table, mj::claimable_sql(q));
        check_uses_due_index(t, q.table, mj::count_waiting_user_inactive_sql(q, true));
    }
    for (const auto& [table, sql] : mj::queue_depth_sql()) check_uses_due_index(t, table, sql);
}

TEST_CASE("index steps: a big table waits for `mailjobs migrate`, a small one is done by any command") {
    TempDb t;
    SECTION("over kAutoIndexRows rows: pending after migrate(), done by apply_index_steps(all)") {
        t.old_index_with_rows(mj::kAutoIndexRows + 100);
        t.db->migrate();
        auto states = mj::index_step_states(*t.db);
        REQUIRE(states[0].step->index == std::string("delivery_log_due"));
        CHECK_FALSE(states[0].done);
        CHECK(states[0].rows == mj::kAutoIndexRows + 100);
        CHECK(t.index_sql("delivery_log_due").find("WHERE") == std::string::npos);  // the old one is kept meanwhile
        auto applied = mj::apply_index_steps(*t.db, true);
        REQUIRE(applied.size() == 1);
        CHECK(applied[0].index == "delivery_log_due");
        CHECK(mj::index_step_states(*t.db)[0].done);
        CHECK(t.db->scalar("SELECT count(*) FROM delivery_log") == mj::kAutoIndexRows + 100);
        CHECK(mj::apply_index_steps(*t.db, true).empty());  // done once
    }
    SECTION("at most kAutoIndexRows rows: migrate() rebuilds it") {
        t.old_index_with_rows(1000);
        CHECK_FALSE(mj::index_step_states(*t.db)[0].done);
        t.db->migrate();
        CHECK(mj::index_step_states(*t.db)[0].done);
    }
}
