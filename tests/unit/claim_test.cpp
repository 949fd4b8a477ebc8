#include "delivery/claim.h"

#include <catch2/catch.hpp>

#include <cstdlib>

namespace {

const mj::QueueSpec kOutbox{"notification_outbox", "queued", "sending", "next_attempt_at"};

struct TwoConnections {  // two processes, as far as SQLite's locking is concerned
    std::string dir;
    std::unique_ptr<mj::Db> a, b;
    TwoConnections() {
        char tmpl[] = "/tmp/mj-claim-test.XXXXXX";
        dir = mkdtemp(tmpl);
        a = mj::Db::open(dir + "/t.db", 1000);
        b = mj::Db::open(dir + "/t.db", 1000);
        a->exec(
            "INSERT INTO notification_outbox(id, to_address, kind, subject, body, dedupe_key, status, next_attempt_at, claimed_by, claim_expires_at) VALUES"
            " (1, 'a@example.com', 'k', 's', 'b', 'k1', 'queued', 100, NULL, NULL),"
            " (2, 'a@example.com', 'k', 's', 'b', 'k2', 'queued', 50, NULL, NULL),"
            " (3, 'a@example.com', 'k', 's', 'b', 'k3', 'queued', 900, NULL, NULL),"
            " (4, 'a@example.com', 'k', 's', 'b', 'k4', 'sending', 10, 'dead', 120),"
            " (5, 'a@example.com', 'k', 's', 'b', 'k5', 'sent', 10, NULL, NULL);");
    }
    ~TwoConnections() { a.reset(); b.reset(); std::system(("rm -rf " + dir).c_str()); }
};

}  // namespace

TEST_CASE("claimable: expired claims first, then waiting rows in due order; nothing early") {
    TwoConnections t;
    CHECK(mj::claimable(*t.a, kOutbox, 100, 10) == std::vector<int64_t>{2, 1});
    CHECK(mj::claimable(*t.a, kOutbox, 150, 10) == std::vector<int64_t>{4, 2, 1});
    CHECK(mj::claimable(*t.a, kOutbox, 150, 2) == std::vector<int64_t>{4, 2});
    CHECK(mj::claimable(*t.a, kOutbox, 40, 10).empty());
}

TEST_CASE("claim_row: one owner wins, a live claim is respected, release gives rows back") {
    TwoConnections t;
    bool first = false, second = false;
    t.a->write([&] { first = mj::claim_row(*t.a, kOutbox, 1, "A", 200, 60); });
    t.b->write([&] { second = mj::claim_row(*t.b, kOutbox, 1, "B", 200, 60); });
    CHECK(first);
    CHECK_FALSE(second);
    CHECK(mj::claimable(*t.b, kOutbox, 259, 10) == std::vector<int64_t>{4, 2});  // A's claim live until 260
    CHECK(mj::claimable(*t.b, kOutbox, 261, 10) == std::vector<int64_t>{4, 1, 2});  // expired claims in due order
    t.b->write([&] { mj::release_rows(*t.b, kOutbox, {1}, "B"); });  // not B's: untouched
    CHECK(t.a->scalar("SELECT claimed_by = 'A' FROM notification_outbox WHERE id = 1") == 1);
    t.a->write([&] { mj::release_rows(*t.a, kOutbox, {1}, "A"); });
    CHECK(t.a->scalar("SELECT status = 'queued' AND claimed_by IS NULL AND next_attempt_at = 100 FROM notification_outbox WHERE id = 1") == 1);
    bool taken = false;
    t.b->write([&] { taken = mj::claim_row(*t.b, kOutbox, 4, "B", 200, 60); });  // the dead owner's expired claim
    CHECK(taken);
}

TEST_CASE("claimable / claim_row: rows of a soft-deleted or suspended user wait, and are counted", "[claim]") {
    TwoConnections t;
    t.a->exec("INSERT INTO users(id, email) VALUES (7, 'u7@example.com');"
              "UPDATE notification_outbox SET user_id = 7 WHERE id IN (2, 4);");
    CHECK(mj::claimable(*t.a, kOutbox, 150, 10) == std::vector<int64_t>{4, 2, 1});
    CHECK(mj::count_waiting_user_inactive(*t.a, kOutbox, 150) == 0);
    for (const char* revoke : {"UPDATE users SET status = 'deleted', deleted_at = 1 WHERE id = 7",
                               "UPDATE users SET status = 'active', deleted_at = 1 WHERE id = 7",
                               "UPDATE users SET status = 'suspended', deleted_at = NULL WHERE id = 7"}) {
        INFO(revoke);
        t.a->exec(revoke);
        CHECK(mj::claimable(*t.a, kOutbox, 150, 10) == std::vector<int64_t>{1});  // the abandoned claim (4) too
        CHECK(mj::count_waiting_user_inactive(*t.a, kOutbox, 150) == 2);
        CHECK(mj::count_waiting_user_inactive(*t.a, kOutbox, 150, false) == 1);
        t.a->write([&] {
            CHECK_FALSE(mj::claim_row(*t.a, kOutbox, 2, "me", 150, 60));
            CHECK_FALSE(mj::claim_row(*t.a, kOutbox, 4, "me", 150, 60));
        });
    }
    t.a->exec("UPDATE users SET status = 'active', deleted_at = NULL WHERE id = 7");  // undo
    CHECK(mj::claimable(*t.a, kOutbox, 150, 10) == std::vector<int64_t>{4, 2, 1});
    t.a->write([&] { CHECK(mj::claim_row(*t.a, kOutbox, 2, "me", 150, 60)); });
}
