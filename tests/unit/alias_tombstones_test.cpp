// Alias tombstones (jobs/alias_tombstones.cpp): the hash the application recomputes, one row per
// address and key id, and the secret file rules.
#include "jobs/alias_tombstones.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "delivery/webhook_sign.h"
#include "account_deletion_fixture.h"

namespace {

struct Fixture : AccountDeletionDb {
    explicit Fixture(const std::string& section) : AccountDeletionDb(section) {}
    mj::JobContext ctx() {
        return mj::JobContext(*db, config, "account-deletion", 1800000000, mj::DryRun::no,
                              std::chrono::steady_clock::now() + std::chrono::hours(1));
    }
};

}  // namespace

TEST_CASE("alias tombstone hash: HMAC-SHA256 of the lowercased address", "[tombstones]") {
    CHECK(mj::alias_tombstone_hash("s3cret", "Bob@Alias.Example") == mj::hmac_sha256_hex("s3cret", "bob@alias.example"));
    CHECK(mj::alias_tombstone_hash("s3cret", "bob@alias.example").size() == 64);
    CHECK(mj::alias_tombstone_hash("other", "bob@alias.example") != mj::alias_tombstone_hash("s3cret", "bob@alias.example"));
    // RFC 4231 test case 2 through the same function: the hash is standard HMAC-SHA256.
    CHECK(mj::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("alias tombstones: off without a secret file; the file's secret and key id", "[tombstones]") {
    SECTION("no file: off, nothing written") {
        Fixture f("");
        auto ctx = f.ctx();
        auto key = mj::tombstone_key(ctx);
        CHECK_FALSE(key.enabled);
        f.db->exec("INSERT INTO users(id, email) VALUES(1, 'u@example.com'); INSERT INTO aliases(id, user_id, address) VALUES(5, 1, 'a@x.example')");
        CHECK(mj::write_alias_tombstones(*f.db, key, {5}, 100) == 0);
        CHECK(f.db->scalar("SELECT count(*) FROM alias_tombstones") == 0);
    }
    SECTION("a file: its first line's secret (trailing newline ignored), one row per address and key") {
        Fixture f("tombstone_secret_file = secret\ntombstone_key_id = k2\n");
        std::ofstream(f.dir + "/secret") << "s3cret\n";
        auto ctx = f.ctx();
        auto key = mj::tombstone_key(ctx);
        REQUIRE(key.enabled);
        CHECK(key.secret == "s3cret");
        CHECK(key.key_id == "k2");
        f.db->exec("INSERT INTO users(id, email) VALUES(1, 'u@example.com');"
                   "INSERT INTO aliases(id, user_id, address) VALUES(5, 1, 'A@x.example'), (6, 1, 'b@x.example')");
        CHECK(mj::write_alias_tombstones(*f.db, key, {5, 6}, 100) == 2);
        CHECK(mj::write_alias_tombstones(*f.db, key, {5, 6}, 100) == 0);  // once
        CHECK(f.db->scalar("SELECT count(*) FROM alias_tombstones WHERE key_id = 'k2' AND created_at = 100 AND address_hmac = ?",
                           mj::hmac_sha256_hex("s3cret", "a@x.example")) == 1);
    }
    SECTION("a file that is missing or empty fails, never deletes silently without tombstones") {
        Fixture f("tombstone_secret_file = secret\n");
        auto ctx = f.ctx();
        CHECK_THROWS_WITH(mj::tombstone_key(ctx), Catch::Contains("cannot read"));
        std::ofstream(f.dir + "/secret") << "\n";
        CHECK_THROWS_WITH(mj::tombstone_key(ctx), Catch::Contains("is empty"));
    }
}
