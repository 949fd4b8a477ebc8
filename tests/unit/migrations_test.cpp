// Upgrading a database that holds data: a file at schema version 1 (exactly migration 1's SQL, as
// an older mailjobs left it) with queued and sent notices is migrated by Db::open; every row and
// value survives, and the new notification_outbox.message_id (version 2) starts NULL.
#include "core/migrations.h"

#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdlib>

#include "core/db.h"

namespace {

struct TempDir {
    std::string dir;
    TempDir() {
        char tmpl[] = "/tmp/mj-migrations-test.XXXXXX";
        dir = mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf " + dir).c_str()); }
};

}  // namespace

TEST_CASE("migration 2 upgrades a version-1 database with notices in it", "[migrations]") {
    TempDir t;
    const std::string path = t.dir + "/v1.db";
    REQUIRE(mj::migrations().size() >= 2);
    REQUIRE(mj::migrations()[1].version == 2);
    {
        SQLite::Database v1(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        v1.exec("PRAGMA auto_vacuum = INCREMENTAL");
        v1.exec(mj::migrations()[0].sql);
        v1.exec("PRAGMA user_version = 1");
        v1.exec("INSERT INTO users(id, email, created_at) VALUES(1, 'u@example.com', 1700000000)");
        v1.exec("INSERT INTO notification_outbox(user_id, to_address, kind, subject, body, dedupe_key, status, attempts, "
                "next_attempt_at, created_at, sent_at) VALUES "
                "(1, 'u@example.com', 'test', 'queued one', 'b1', 'k1', 'queued', 2, 1700000100, 1700000000, NULL), "
                "(1, 'u@example.com', 'test', 'sent one', 'b2', 'k2', 'sent', 1, 1700000000, 1700000000, 1700000050)");
    }
    auto db = mj::Db::open(path, 100);
    CHECK(db->schema_version() == mj::Db::latest_version());
    CHECK(db->schema_version() >= 2);
    CHECK(db->scalar("SELECT count(*) FROM notification_outbox") == 2);
    CHECK(db->scalar("SELECT count(*) FROM notification_outbox WHERE message_id IS NULL") == 2);
    CHECK(db->scalar("SELECT attempts FROM notification_outbox WHERE dedupe_key = 'k1' AND status = 'queued' "
                     "AND subject = 'queued one' AND next_attempt_at = 1700000100") == 2);
    CHECK(db->scalar("SELECT sent_at FROM notification_outbox WHERE dedupe_key = 'k2' AND status = 'sent'") == 1700000050);
    db->exec("UPDATE notification_outbox SET message_id = '<1.ab@example.net>' WHERE dedupe_key = 'k1'");
    CHECK(db->scalar("SELECT count(*) FROM notification_outbox WHERE message_id = '<1.ab@example.net>'") == 1);
    CHECK(db->migrate() == 0);  // applied once
}

TEST_CASE("migration 3 upgrades a version-1 database with deletions in it", "[migrations]") {
    TempDir t;
    const std::string path = t.dir + "/v1.db";
    REQUIRE(mj::migrations().size() >= 3);
    REQUIRE(mj::migrations()[2].version == 3);
    {
        SQLite::Database v1(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        v1.exec("PRAGMA auto_vacuum = INCREMENTAL");
        v1.exec(mj::migrations()[0].sql);
        v1.exec("PRAGMA user_version = 1");
        v1.exec("INSERT INTO users(id, email, created_at, deleted_at, status) VALUES(1, 'u@example.com', 1700000000, 1700000500, 'deleted')");
        v1.exec("INSERT INTO account_deletions(user_id, user_uuid, requested_at, started_at, completed_at, status, counts, run_id) VALUES "
                "(7, 'uuid-7', 1690000000, 1690000100, 1690000200, 'done', '{\"aliases\":3}', 12), "
                "(8, 'uuid-8', 1690000000, 1690000300, NULL, 'running', '{}', NULL)");
    }
    auto db = mj::Db::open(path, 100);
    CHECK(db->schema_version() == mj::Db::latest_version());
    CHECK(db->scalar("SELECT count(*) FROM account_deletions WHERE at_table IS NULL") == 2);
    CHECK(db->scalar("SELECT json_extract(counts, '$.aliases') FROM account_deletions WHERE user_uuid = 'uuid-7' "
                     "AND status = 'done' AND completed_at = 1690000200 AND run_id = 12") == 3);
    CHECK(db->scalar("SELECT started_at FROM account_deletions WHERE user_uuid = 'uuid-8' AND status = 'running'") == 1690000300);
    CHECK(db->scalar("SELECT deleted_at FROM users WHERE id = 1") == 1700000500);
    db->exec("UPDATE account_deletions SET at_table = 'aliases' WHERE user_uuid = 'uuid-8'");
    CHECK(db->scalar("SELECT count(*) FROM account_deletions WHERE at_table = 'aliases'") == 1);
    CHECK(db->migrate() == 0);
}

TEST_CASE("migration 4 adds alias_tombstones to a version-1 database with aliases in it", "[migrations]") {
    TempDir t;
    const std::string path = t.dir + "/v1.db";
    REQUIRE(mj::migrations().size() >= 4);
    REQUIRE(mj::migrations()[3].version == 4);
    {
        SQLite::Database v1(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        v1.exec("PRAGMA auto_vacuum = INCREMENTAL");
        v1.exec(mj::migrations()[0].sql);
        v1.exec("PRAGMA user_version = 1");
        v1.exec("INSERT INTO users(id, email, created_at) VALUES(1, 'u@example.com', 1700000000)");
        v1.exec("INSERT INTO aliases(id, user_id, address) VALUES(3, 1, 'a@x.example')");
    }
    auto db = mj::Db::open(path, 100);
    CHECK(db->schema_version() == mj::Db::latest_version());
    CHECK(db->scalar("SELECT count(*) FROM aliases WHERE id = 3 AND address = 'a@x.example'") == 1);
    CHECK(db->scalar("SELECT count(*) FROM alias_tombstones") == 0);
    db->exec("INSERT INTO alias_tombstones(address_hmac, key_id, created_at) VALUES('ab', '1', 1700000000)");
    CHECK_THROWS(db->exec("INSERT INTO alias_tombstones(address_hmac, key_id, created_at) VALUES('ab', '1', 1700000001)"));
    CHECK_THROWS(db->exec("INSERT INTO alias_tombstones(address_hmac, key_id, created_at) VALUES('cd', '1', '2025-01-01')"));
    CHECK(db->migrate() == 0);
}

TEST_CASE("migration 5 upgrades a version-1 database with exports in it: one active export per user", "[migrations]") {
    TempDir t;
    const std::string path = t.dir + "/v1.db";
    REQUIRE(mj::migrations().size() >= 5);
    REQUIRE(mj::migrations()[4].version == 5);
    {
        SQLite::Database v1(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        v1.exec("PRAGMA auto_vacuum = INCREMENTAL");
        v1.exec(mj::migrations()[0].sql);
        v1.exec("PRAGMA user_version = 1");
        v1.exec("INSERT INTO users(id, email, created_at) VALUES(1, 'u@example.com', 1700000000), (2, 'v@example.com', 1700000000)");
        // User 1 asked twice (the old schema let it), user 2 has a ready one and a new request.
        v1.exec("INSERT INTO exports(id, user_id, status, requested_at) VALUES(1, 1, 'requested', 1700000100), "
                "(2, 1, 'running', 1700000200), (3, 2, 'ready', 1700000000), (4, 2, 'requested', 1700000300)");
        v1.exec("UPDATE exports SET path = 'a.zip', size_bytes = 10, token_hash = 'th' WHERE id = 3");
    }
    auto db = mj::Db::open(path, 100);
    CHECK(db->schema_version() == mj::Db::latest_version());
    CHECK(db->scalar("SELECT count(*) FROM exports") == 4);
    CHECK(db->scalar("SELECT count(*) FROM exports WHERE attempts = 0 AND downloads = 0 AND last_download_at IS NULL") == 4);
    CHECK(db->scalar("SELECT status = 'requested' FROM exports WHERE id = 1") == 1);  // the oldest stays
    CHECK(db->scalar("SELECT status = 'failed' AND error LIKE 'another export%' FROM exports WHERE id = 2") == 1);
    CHECK(db->scalar("SELECT status = 'ready' AND path = 'a.zip' AND token_hash = 'th' FROM exports WHERE id = 3") == 1);
    CHECK(db->scalar("SELECT status = 'requested' FROM exports WHERE id = 4") == 1);
    CHECK_THROWS(db->exec("INSERT INTO exports(user_id) VALUES(1)"));  // user 1 has one active
    db->exec("INSERT INTO exports(user_id, status) VALUES(1, 'failed')");  // any number of ended ones
    CHECK(db->migrate() == 0);
}

TEST_CASE("migration 7 upgrades a version-1 database with domains and DNS checks in it", "[migrations]") {
    TempDir t;
    const std::string path = t.dir + "/v1.db";
    int v6 = -1;
    for (size_t i = 0; i < mj::migrations().size(); ++i)
        if (std::string(mj::migrations()[i].name).find("dns_checks pass/fail/unknown") == 0) v6 = static_cast<int>(i);
    REQUIRE(v6 >= 0);
    {
        SQLite::Database v1(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        v1.exec("PRAGMA auto_vacuum = INCREMENTAL");
        v1.exec(mj::migrations()[0].sql);
        v1.exec("PRAGMA user_version = 1");
        v1.exec("INSERT INTO users(id, email, created_at) VALUES(1, 'u@example.com', 1700000000)");
        v1.exec("INSERT INTO domains(id, user_id, name, status, verification_token, verified_at, last_checked_at, next_check_at, "
                "check_failures, notified_status, created_at) VALUES "
                "(1, 1, 'good.example', 'verified', 'tok1', 1700000100, 1700000500, 1700086900, 0, 'verified', 1700000000), "
                "(2, 1, 'flaky.example', 'verified', 'tok2', 1700000100, 1700000600, 1700087000, 2, 'verified', 1700000000), "
                "(3, 1, 'new.example', 'pending', 'tok3', NULL, NULL, 1700000000, 0, NULL, 1700000000)");
        v1.exec("INSERT INTO dns_checks(id, domain_id, run_id, result, detail, checked_at) VALUES "
                "(1, 1, 7, 'verified', 'tok1', 1700000100), (2, 2, 8, 'missing', NULL, 1700000500), "
                "(3, 2, 9, 'mismatch', 'found tokX', 1700000600), (4, 3, 9, 'error', 'SERVFAIL', 1700000600)");
    }
    auto db = mj::Db::open(path, 100);
    CHECK(db->schema_version() == mj::Db::latest_version());
    CHECK(db->scalar("SELECT count(*) FROM domains") == 3);
    CHECK(db->scalar("SELECT count(*) FROM domains WHERE id = 1 AND status = 'verified' AND verification_token = 'tok1' "
                     "AND verified_at = 1700000100 AND next_check_at = 1700086900 AND notified_status = 'verified' AND failing_since IS NULL") == 1);
    CHECK(db->scalar("SELECT failing_since FROM domains WHERE id = 2 AND check_failures = 2") == 1700000600);  // the streak's last known time
    CHECK(db->scalar("SELECT count(*) FROM dns_checks") == 4);
    CHECK(db->scalar("SELECT count(*) FROM dns_checks WHERE id = 1 AND result = 'pass' AND run_id = 7 AND checked_at = 1700000100") == 1);
    CHECK(db->scalar("SELECT count(*) FROM dns_checks WHERE id = 2 AND result = 'fail' AND detail = 'missing'") == 1);
    CHECK(db->scalar("SELECT count(*) FROM dns_checks WHERE id = 3 AND result = 'fail' AND detail = 'mismatch: found tokX'") == 1);
    CHECK(db->scalar("SELECT count(*) FROM dns_checks WHERE id = 4 AND result = 'unknown' AND detail = 'SERVFAIL'") == 1);
    CHECK_THROWS(db->exec("INSERT INTO dns_checks(domain_id, result, checked_at) VALUES(1, 'verified', 1700000700)"));
    CHECK(db->has_index_leading_with("dns_checks", "domain_id"));
    CHECK(db->has_index_leading_with("dns_checks", "checked_at"));
    db->exec("PRAGMA foreign_keys = ON");
    db->exec("DELETE FROM domains WHERE id = 2");  // the cascade still works on the rebuilt table
    CHECK(db->scalar("SELECT count(*) FROM dns_checks WHERE domain_id = 2") == 0);
    CHECK(db->migrate() == 0);
}

TEST_CASE("migration 8 upgrades a version-1 database with usage rows and threshold events in it", "[migrations]") {
    TempDir t;
    const std::string path = t.dir + "/v1.db";
    REQUIRE(mj::migrations().size() >= 8);
    REQUIRE(mj::migrations()[7].version == 8);
    {
        SQLite::Database v1(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        v1.exec("PRAGMA auto_vacuum = INCREMENTAL");
        v1.exec(mj::migrations()[0].sql);
        v1.exec("PRAGMA user_version = 1");
        v1.exec("INSERT INTO users(id, email, created_at, quota_bytes) VALUES(1, 'u@example.com', 1700000000, 1000)");
        v1.exec("INSERT INTO bandwidth_usage(id, user_id, bytes, emails, recorded_at) VALUES "
                "(1, 1, 100, 1, 1700000000), (2, 1, 250, 2, 1700000100), (7, 1, 5, 1, 1700086400)");
        v1.exec("INSERT INTO usage_threshold_events(id, user_id, cycle_start, threshold, used_bytes, quota_bytes, created_at) "
                "VALUES (3, 1, 1699920000, 60, 610, 1000, 1700000200)");
    }
    auto db = mj::Db::open(path, 100);
    CHECK(db->schema_version() == mj::Db::latest_version());
    // Every usage row and value survived, ids included.
    CHECK(db->scalar("SELECT count(*) FROM bandwidth_usage") == 3);
    CHECK(db->scalar("SELECT sum(bytes * id) FROM bandwidth_usage") == 100 + 500 + 35);
    CHECK(db->scalar("SELECT sum(emails) FROM bandwidth_usage WHERE recorded_at < 1700086400") == 3);
    // AUTOINCREMENT: after the newest row is deleted its id is never handed out again.
    db->exec("DELETE FROM bandwidth_usage WHERE id = 7");
    db->exec("INSERT INTO bandwidth_usage(user_id, bytes, recorded_at) VALUES(1, 9, 1700090000)");
    CHECK(db->scalar("SELECT id FROM bandwidth_usage WHERE bytes = 9") == 8);
    // The indexes are back.
    CHECK(db->has_index_leading_with("bandwidth_usage", "recorded_at"));
    CHECK(db->has_index_leading_with("bandwidth_usage", "user_id"));
    // The event became 'crossed'; a pace event and the same threshold under another quota fit beside it.
    CHECK(db->scalar("SELECT count(*) FROM usage_threshold_events WHERE id = 3 AND kind = 'crossed' AND threshold = 60 "
                     "AND used_bytes = 610 AND quota_bytes = 1000 AND cycle_end IS NULL") == 1);
    db->exec("INSERT INTO usage_threshold_events(user_id, cycle_start, threshold, used_bytes, quota_bytes, created_at, kind) "
             "VALUES (1, 1699920000, 100, 700, 1000, 1700000300, 'pace'), (1, 1699920000, 60, 1300, 2000, 1700000400, 'crossed')");
    CHECK_THROWS(db->exec("INSERT INTO usage_threshold_events(user_id, cycle_start, threshold, used_bytes, quota_bytes, "
                          "created_at) VALUES (1, 1699920000, 60, 620, 1000, 1700000500)"));
    CHECK(db->scalar("SELECT count(*) FROM usage_threshold_events") == 3);
    // The cascade still works.
    db->exec("PRAGMA foreign_keys = ON");
    db->exec("DELETE FROM users WHERE id = 1");
    CHECK(db->scalar("SELECT count(*) FROM bandwidth_usage") == 0);
    CHECK(db->scalar("SELECT count(*) FROM usage_threshold_events") == 0);
    CHECK(db->migrate() == 0);
}

TEST_CASE("migration 9 adds queue_samples and dashboard_sign_in_failures to a version-8 database", "[migrations]") {
    TempDir t;
    const std::string path = t.dir + "/v8.db";
    REQUIRE(mj::migrations().size() >= 9);
    REQUIRE(mj::migrations()[8].version == 9);
    {
        SQLite::Database v8(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        v8.exec("PRAGMA auto_vacuum = INCREMENTAL");
        for (int i = 0; i < 8; ++i) v8.exec(mj::migrations()[static_cast<size_t>(i)].sql);
        v8.exec("PRAGMA user_version = 8");
        v8.exec("INSERT INTO job_runs(id, job, trigger, started_at, outcome) VALUES (4, 'vacuum', 'cron', 1700000000, 'done')");
    }
    auto db = mj::Db::open(path, 100);
    CHECK(db->schema_version() == mj::Db::latest_version());
    CHECK(db->scalar("SELECT count(*) FROM job_runs WHERE id = 4") == 1);  // nothing else touched
    db->exec("INSERT INTO queue_samples(sampled_at, queue, pending, due) VALUES (1700000000, 'failed_emails', 3, 1)");
    CHECK(db->has_index_leading_with("queue_samples", "sampled_at"));
    CHECK_THROWS(db->exec("INSERT INTO queue_samples(sampled_at, queue, pending, due) VALUES ('2026-01-01', 'x', 1, 0)"));
    CHECK_THROWS(db->exec("INSERT INTO queue_samples(sampled_at, queue, pending, due) VALUES (1, 'x', -1, 0)"));
    db->exec("INSERT INTO dashboard_sign_in_failures(window_start, failures) VALUES (1699999200, 2)");
    CHECK_THROWS(db->exec("INSERT INTO dashboard_sign_in_failures(window_start, failures) VALUES (1699999200, 1)"));
    CHECK(db->migrate() == 0);
}
