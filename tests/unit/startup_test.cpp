// migrate_database: a backup before an existing schema is upgraded, none for a new or current file.
#include "core/startup.h"

#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdlib>
#include <fstream>

#include "core/backup_file.h"
#include "core/files.h"
#include "core/migrations.h"

namespace {

struct Install {
    std::string dir;
    mj::Config config;
    explicit Install(const std::string& extra = "") {
        char tmpl[] = "/tmp/mj-startup-test.XXXXXX";
        dir = mkdtemp(tmpl);
        std::ofstream(dir + "/jobs.ini") << "[general]\ndatabase = v.db\nlog_file = log\n[backup]\ndir = backups\n" << extra;
        mj::LoadOptions o;
        o.file = dir + "/jobs.ini";
        std::vector<mj::ConfigProblem> problems;
        config = mj::Config::load(o, &problems);
        REQUIRE(problems.empty());
    }
    ~Install() { std::system(("rm -rf " + dir).c_str()); }
    void make_v1() {
        SQLite::Database v1(dir + "/v.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        v1.exec("PRAGMA auto_vacuum = INCREMENTAL");
        v1.exec(mj::migrations()[0].sql);
        v1.exec("PRAGMA user_version = 1");
        v1.exec("INSERT INTO users(id, email, created_at) VALUES(7, 'u@example.com', 1700000000)");
    }
};

}  // namespace

TEST_CASE("migrate_database backs up a version-1 file before upgrading it", "[backup][startup]") {
    Install in;
    in.make_v1();
    auto db = mj::Db::open(in.dir + "/v.db", 1000, mj::Db::Migrate::no);
    const std::string path = mj::migrate_database(*db, in.config);
    CHECK(db->schema_version() == mj::Db::latest_version());
    REQUIRE_FALSE(path.empty());
    CHECK(mj::list_files(in.dir + "/backups").size() == 1);
    CHECK(mj::unpack_backup(path, in.dir + "/old.db") == 1);  // the backup holds the old schema
    CHECK(mj::Db::open_plain(in.dir + "/old.db", 1000, mj::Db::Access::read_only)->scalar("SELECT id FROM users") == 7);
    // Current now: nothing to apply, no second backup.
    CHECK(mj::migrate_database(*db, in.config).empty());
    CHECK(mj::list_files(in.dir + "/backups").size() == 1);
}

TEST_CASE("migrate_database: no backup for a new file, none when before_migrate is off", "[backup][startup]") {
    Install fresh;
    auto db = mj::Db::open(fresh.dir + "/v.db", 1000, mj::Db::Migrate::no);
    CHECK(mj::migrate_database(*db, fresh.config).empty());
    CHECK(db->schema_version() == mj::Db::latest_version());
    CHECK(mj::file_size(fresh.dir + "/backups") < 0);

    Install off("before_migrate = false\n");
    off.make_v1();
    auto old = mj::Db::open(off.dir + "/v.db", 1000, mj::Db::Migrate::no);
    CHECK(mj::migrate_database(*old, off.config).empty());
    CHECK(old->schema_version() == mj::Db::latest_version());
    CHECK(mj::list_files(off.dir + "/backups").empty());
}
