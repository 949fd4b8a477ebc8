#include "delivery/webhook_queue.h"

#include <catch2/catch.hpp>

#include <cstdlib>

namespace {

// Two connections to one file: two processes, as far as SQLite's locking is concerned.
struct TwoConnections {
    std::string dir;
    std::unique_ptr<mj::Db> a, b;
    TwoConnections() {
        char tmpl[] = "/tmp/mj-webhook-queue-test.XXXXXX";
        dir = mkdtemp(tmpl);
        a = mj::Db::open(dir + "/t.db", 1000);
        b = mj::Db::open(dir + "/t.db", 1000);
        a->exec(
            "INSERT INTO users(id, email) VALUES(1, 'u@example.com');"
            "INSERT INTO webhooks(id, user_id, url, secret) VALUES(1, 1, 'http://127.0.0.1:1/h', 'k');"
            "INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at) VALUES"
            " (1, 1, 1, 'http://127.0.0.1:1/h', 'x', '{}', 'pending', 100, 100),"
            " (2, 1, 1, 'http://127.0.0.1:1/h', 'x', '{}', 'failed', 200, 100),"
            " (3, 1, 1, 'http://127.0.0.1:1/h', 'x', '{}', 'failed', 999, 100),"
            " (4, 1, NULL, 'http://127.0.0.1:1/h', 'x', '{}', 'delivered', NULL, 100);");
    }
    ~TwoConnections() { a.reset(); b.reset(); std::system(("rm -rf " + dir).c_str()); }
};

}  // namespace

TEST_CASE("webhook queue: due rows are pending or failed past next_retry_at") {
    TwoConnections t;
    CHECK(mj::due_deliveries(*t.a, 150, 10) == std::vector<int64_t>{1});
    CHECK(mj::due_deliveries(*t.a, 500, 10) == std::vector<int64_t>{1, 2});
    CHECK(mj::due_deliveries(*t.a, 500, 1) == std::vector<int64_t>{1});
    CHECK(mj::count_due_deliveries(*t.a, 1000) == 3);
}

TEST_CASE("webhook queue: a row is claimed once; an expired claim is taken over; a lost claim writes nothing") {
    TwoConnections t;
    auto first = mj::claim_delivery(*t.a, 1, "run-a", 500, 560);
    REQUIRE(first);
    CHECK(first->secret == "k");
    CHECK(first->webhook_id == 1);
    CHECK_FALSE(mj::claim_delivery(*t.b, 1, "run-b", 500, 560));  // the other process: already claimed
    CHECK(mj::due_deliveries(*t.b, 500, 10) == std::vector<int64_t>{2});

    // run-a dies; after its claim expires run-b takes the row over
    auto taken = mj::claim_delivery(*t.b, 1, "run-b", 561, 621);
    REQUIRE(taken);
    mj::DeliveryUpdate u{"delivered", 1, 200, "", std::nullopt, 570};
    bool kept = true;
    t.a->write([&] { kept = mj::finish_delivery_in_txn(*t.a, 1, "run-a", u); });
    CHECK_FALSE(kept);  // run-a woke up late: its result is not written over run-b's claim
    CHECK(t.a->scalar("SELECT count(*) FROM delivery_log WHERE id = 1 AND status = 'delivering' AND claimed_by = 'run-b'") == 1);
    t.b->write([&] { kept = mj::finish_delivery_in_txn(*t.b, 1, "run-b", u); });
    CHECK(kept);
    CHECK(t.a->scalar("SELECT count(*) FROM delivery_log WHERE id = 1 AND status = 'delivered' AND delivered_at = 570 "
                      "AND claimed_by IS NULL AND next_retry_at IS NULL") == 1);
}
