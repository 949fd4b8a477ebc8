#include "core/queue_samples.h"

#include <catch2/catch.hpp>

#include <cstdlib>

TEST_CASE("record_queue_samples: one row per queue with its pending and due counts; read back by time", "[queue_samples]") {
    char tmpl[] = "/tmp/mj-queue-samples-test.XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    {
        auto db = mj::Db::open(dir + "/t.db", 1000);
        db->exec("INSERT INTO users(id, email, created_at) VALUES (1, 'u@example.com', 1)");
        db->exec("INSERT INTO notification_outbox(user_id, to_address, kind, subject, body, dedupe_key, status, next_attempt_at, created_at) VALUES "
                 "(1, 'u@example.com', 'notice', 's', 'b', 'k1', 'queued', 1000, 900), "
                 "(1, 'u@example.com', 'notice', 's', 'b', 'k2', 'queued', 5000, 900), "
                 "(1, 'u@example.com', 'notice', 's', 'b', 'k3', 'sent', 1000, 900)");
        mj::record_queue_samples(*db, 2000);
        mj::record_queue_samples(*db, 6000);
        CHECK(db->scalar("SELECT count(*) FROM queue_samples") == 6);
        const auto all = mj::queue_samples_since(*db, 0);
        REQUIRE(all.size() == 6);
        CHECK(all.front().at == 2000);
        CHECK(all.back().at == 6000);
        for (const auto& s : all) {
            if (s.queue != "notification_outbox") continue;
            CHECK(s.pending == 2);
            CHECK(s.due == (s.at == 2000 ? 1 : 2));
        }
        CHECK(mj::queue_samples_since(*db, 6000).size() == 3);
    }
    std::system(("rm -rf " + dir).c_str());
}
