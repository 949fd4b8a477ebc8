// The list of what belongs to a user (core/user_data.h) against the real schema of a migrated
// database: a table that references users, directly or through a listed parent (foreign keys and
// columns named user_id), and is not in the list fails here by name, so a later migration cannot
// add a user's table that deletion and export would miss. Every entry's join path is prepared.
#include "core/user_data.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <set>

#include "core/db.h"

namespace {

struct MigratedDb {
    std::string dir;
    std::unique_ptr<mj::Db> db;
    MigratedDb() {
        char tmpl[] = "/tmp/mj-user-data-test.XXXXXX";
        dir = mkdtemp(tmpl);
        db = mj::Db::open(dir + "/t.db", 1000);
    }
    ~MigratedDb() { db.reset(); std::system(("rm -rf " + dir).c_str()); }
};

std::vector<std::string> tables(mj::Db& db) {
    std::vector<std::string> out;
    auto q = db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    while (q.step()) out.push_back(q.column(0).as_text());
    return out;
}

std::set<std::string> columns(mj::Db& db, const std::string& table) {
    std::set<std::string> out;
    auto q = db.query("PRAGMA table_info(" + table + ")");
    while (q.step()) out.insert(q.column(1).as_text());
    return out;
}

std::set<std::string> referenced(mj::Db& db, const std::string& table) {  // tables its foreign keys point at
    std::set<std::string> out;
    auto q = db.query("PRAGMA foreign_key_list(" + table + ")");
    while (q.step()) out.insert(q.column(2).as_text());
    return out;
}

bool prepares(mj::Db& db, const std::string& sql, std::string* error) {
    try {
        auto q = db.query(sql);
        if (sql.find("?1") != std::string::npos) q.bind(1, static_cast<int64_t>(1));  // user 1
        while (q.step()) {
        }
        return true;
    } catch (const std::exception& e) {
        *error = e.what();
        return false;
    }
}

}  // namespace

TEST_CASE("user data list: every table that references a user is listed", "[user_data]") {
    MigratedDb t;
    std::set<std::string> listed;
    for (const auto& e : mj::user_data_tables()) listed.insert(e.table);
    // A table must be listed when it has a user_id column or a foreign key to users or to any
    // listed table (then its rows are reached through that parent).
    for (const auto& table : tables(*t.db)) {
        if (table == "users") continue;
        bool has_user_id = columns(*t.db, table).count("user_id") > 0;
        std::string via;
        for (const auto& parent : referenced(*t.db, table))
            if (parent == "users" || listed.count(parent)) via = parent;
        INFO("table " << table << (has_user_id ? " has a user_id column" : " references " + via)
                      << " but is missing from core/user_data.cpp");
        if (has_user_id || !via.empty()) CHECK(listed.count(table) == 1);
    }
    CHECK(listed.count("users") == 1);
}

TEST_CASE("user data list: entries match the schema, children before parents, users last", "[user_data]") {
    MigratedDb t;
    auto all = tables(*t.db);
    std::set<std::string> existing(all.begin(), all.end());
    const auto& list = mj::user_data_tables();
    REQUIRE(!list.empty());
    CHECK(std::string(list.back().table) == "users");
    std::map<std::string, size_t> last_position;
    for (size_t i = 0; i < list.size(); ++i) last_position[list[i].table] = i;
    for (size_t i = 0; i < list.size(); ++i) {
        const auto& e = list[i];
        INFO("entry " << i << ": " << e.table << " via " << e.via_column << " -> " << e.parent);
        REQUIRE(existing.count(e.table) == 1);
        auto cols = columns(*t.db, e.table);
        CHECK(cols.count(e.via_column) == 1);
        if (*e.when_column) CHECK(cols.count(e.when_column) == 1);
        for (const char* f : e.file_columns) CHECK(cols.count(f) == 1);
        if (*e.parent && std::string(e.parent) != "users") {
            REQUIRE(last_position.count(e.parent) == 1);       // the parent is listed...
            CHECK(last_position[e.parent] > i);                // ...after its child
            CHECK(columns(*t.db, e.parent).count(e.parent_column) == 1);
        }
        std::string error;
        CHECK(prepares(*t.db, mj::user_rows_select_sql(e), &error));
        CHECK(error == "");
    }
    // Whose row is this, for every listed table (the delivery jobs ask it for their queues).
    for (const auto& [table, pos] : last_position) {
        INFO("owner of a row of " << table);
        std::string error;
        CHECK(prepares(*t.db, "SELECT " + mj::user_id_of_row_sql(table, "r") + ", " +
                                  mj::row_user_inactive_sql(table, "r") + " FROM " + table + " AS r",
                       &error));
        CHECK(error == "");
    }
    CHECK_THROWS(mj::user_id_of_row_sql("job_runs", "r"));
}

TEST_CASE("user data list: paths reach the user's rows and only theirs", "[user_data]") {
    MigratedDb t;
    t.db->exec(
        "INSERT INTO users(id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com');"
        "INSERT INTO domains(id, user_id, name, verification_token) VALUES (10, 1, 'a.example', 't1'), (20, 2, 'b.example', 't2');"
        "INSERT INTO dns_checks(domain_id, result, checked_at) VALUES (10, 'pass', 1), (20, 'fail', 1), (20, 'unknown', 2);"
        "INSERT INTO aliases(id, user_id, domain_id, address) VALUES (100, 1, 10, 'x@a.example'), (200, 2, 20, 'y@b.example');"
        "INSERT INTO destinations(id, user_id, email) VALUES (1000, 1, 'd@example.org'), (2000, 2, 'e@example.org');"
        "INSERT INTO alias_destinations VALUES (100, 1000), (200, 2000);"
        "INSERT INTO notification_outbox(id, user_id, to_address, kind, subject, body, dedupe_key) VALUES"
        " (5, 2, 'b@example.com', 'k', 's', 'b', 'k5'), (6, NULL, 'op@example.com', 'k', 's', 'b', 'k6');"
        "INSERT INTO job_attempts(job, item_table, item_id, attempt, created_at) VALUES"
        " ('notification-delivery', 'notification_outbox', 5, 1, 1), ('forward-retry', 'failed_emails', 5, 1, 1);");
    auto count_for = [&](const char* table, int64_t user) {
        int64_t n = 0;
        for (const auto* e : mj::user_data_entries(table)) {
            auto q = t.db->query("SELECT count(*) FROM (" + mj::user_rows_select_sql(*e) + ")");
            q.bind(1, user);
            q.step();
            n += q.column(0).as_int64();
        }
        return n;
    };
    CHECK(count_for("dns_checks", 1) == 1);
    CHECK(count_for("dns_checks", 2) == 2);
    CHECK(count_for("alias_destinations", 1) == 1);
    CHECK(count_for("job_attempts", 2) == 1);  // the notice's attempt; failed_emails 5 does not exist
    CHECK(count_for("job_attempts", 1) == 0);
    CHECK(t.db->scalar("SELECT " + mj::user_id_of_row_sql("dns_checks", "r") + " FROM dns_checks r ORDER BY id LIMIT 1") == 1);
    CHECK(t.db->scalar("SELECT " + mj::user_id_of_row_sql("alias_destinations", "r") + " FROM alias_destinations r WHERE alias_id = 200") == 2);
    CHECK(t.db->scalar("SELECT " + mj::user_id_of_row_sql("job_attempts", "r") +
                       " FROM job_attempts r WHERE item_table = 'notification_outbox'") == 2);
    // Revocation: a soft-deleted or suspended owner; an operator notice has none.
    auto inactive = [&](int64_t outbox_id) {
        return t.db->scalar("SELECT " + mj::row_user_inactive_sql("notification_outbox", "r") +
                            " FROM notification_outbox r WHERE id = ?", outbox_id);
    };
    CHECK(inactive(5) == 0);
    CHECK(inactive(6) == 0);
    t.db->exec("UPDATE users SET deleted_at = 1 WHERE id = 2");
    CHECK(inactive(5) == 1);
    t.db->exec("UPDATE users SET deleted_at = NULL, status = 'suspended' WHERE id = 2");
    CHECK(inactive(5) == 1);
    t.db->exec("UPDATE users SET status = 'active' WHERE id = 2");
    CHECK(inactive(5) == 0);
    CHECK(inactive(6) == 0);
}

TEST_CASE("user data list: every column that looks secret is never exported, or named harmless here", "[user_data]") {
    MigratedDb m;
    // Columns whose name says hash/token/secret but that hold nothing a user could misuse: the
    // payload's own fingerprint (the payload itself is exported), and the claim's expiry time.
    const std::set<std::string> harmless = {"delivery_log.payload_hash", "notification_outbox.claim_expires_at",
                                            "failed_emails.claim_expires_at", "delivery_log.claim_expires_at",
                                            "exports.claim_expires_at"};
    int checked = 0;
    for (const auto& e : mj::user_data_tables()) {
        if (e.fate == mj::UserRowFate::kept) continue;
        for (const auto& c : columns(*m.db, e.table)) {
            std::string lower = c;
            for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            const bool looks_secret = lower.find("hash") != std::string::npos || lower.find("token") != std::string::npos ||
                                      lower.find("secret") != std::string::npos || lower.find("password") != std::string::npos ||
                                      lower.find("claim") != std::string::npos || lower.find("encrypted") != std::string::npos;
            if (!looks_secret) continue;
            ++checked;
            INFO(std::string(e.table) + "." + c);
            CHECK((mj::never_exported(e, c) || harmless.count(std::string(e.table) + "." + c)));
        }
    }
    CHECK(checked >= 8);  // the schema has them: the walk really looked
    // And the list names only columns that exist.
    for (const auto& e : mj::user_data_tables())
        for (const char* c : e.never_exported) {
            INFO(std::string(e.table) + "." + c);
            CHECK(columns(*m.db, e.table).count(c) == 1);
        }
}
