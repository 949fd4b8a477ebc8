#include "core/backup_file.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "core/files.h"

namespace {

struct Folder {
    std::string dir;
    Folder() {
        char tmpl[] = "/tmp/mj-backup-test.XXXXXX";
        dir = mkdtemp(tmpl);
    }
    ~Folder() { std::system(("rm -rf " + dir).c_str()); }
};

int64_t rows(const std::string& path) {
    return mj::Db::open_plain(path, 1000, mj::Db::Access::read_only)->scalar("SELECT count(*) FROM t");
}

}  // namespace

TEST_CASE("backup_name and backup_time read each other; other names are not backups", "[backup]") {
    CHECK(mj::backup_name(1796007600) == "mailjobs-20261130T030000Z.db.gz");
    CHECK(mj::backup_time("mailjobs-20261130T030000Z.db.gz") == 1796007600);
    CHECK(mj::backup_time("mailjobs-20261130T030000Z-2.db.gz") == 1796007600);
    CHECK_FALSE(mj::backup_time("mailjobs-20261130T030000Z.db.gz.part"));
    CHECK_FALSE(mj::backup_time("mailjobs-2026.db.gz"));
    CHECK_FALSE(mj::backup_time("notes.txt"));
}

TEST_CASE("write_backup: a snapshot as of its start, checked, compressed, 0600 in a 0700 folder", "[backup]") {
    Folder f;
    auto db = mj::Db::open(f.dir + "/live.db", 5000);
    db->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
    db->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
             "INSERT INTO t(v) SELECT printf('%0200d', i) FROM n");
    // A writer on another connection between the steps: the copy must still hold 5000 rows (its
    // start), and it must finish (a step-wise backup without a held snapshot restarts on each write).
    auto writer = mj::Db::open(f.dir + "/live.db", 5000);
    mj::BackupSteps steps;
    steps.pages_per_step = 8;
    int looks = 0;
    steps.keep_going = [&] {
        writer->exec("INSERT INTO t(v) VALUES('during')");
        return ++looks < 100000;
    };
    auto b = mj::write_backup(*db, f.dir + "/backups", 1796007600, steps);
    REQUIRE(b);
    CHECK(looks > 10);  // it did work in steps
    CHECK(b->path == f.dir + "/backups/mailjobs-20261130T030000Z.db.gz");
    struct stat st {};
    REQUIRE(stat(b->path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(stat((f.dir + "/backups").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    CHECK(b->file_bytes < b->db_bytes);
    CHECK(mj::list_files(f.dir + "/backups") == std::vector<std::string>{"mailjobs-20261130T030000Z.db.gz"});

    const int version = mj::unpack_backup(b->path, f.dir + "/restored.db");
    CHECK(version == db->schema_version());
    CHECK(rows(f.dir + "/restored.db") == 5000);
    CHECK(rows(f.dir + "/live.db") == 5000 + looks);
    CHECK(mj::file_size(f.dir + "/restored.db-wal") < 0);  // one self-contained file

    // A second backup in the same second gets its own name.
    steps.keep_going = nullptr;
    auto again = mj::write_backup(*db, f.dir + "/backups", 1796007600, steps);
    REQUIRE(again);
    CHECK(again->path == f.dir + "/backups/mailjobs-20261130T030000Z-2.db.gz");
}

TEST_CASE("write_backup stopped: nothing under a final name; parts of a killed one are swept", "[backup]") {
    Folder f;
    auto db = mj::Db::open(f.dir + "/live.db", 5000);
    db->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
    db->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO t(v) SELECT printf('%0300d', i) FROM n");
    mj::BackupSteps steps;
    steps.pages_per_step = 4;
    int looks = 0;
    steps.keep_going = [&] { return ++looks < 5; };
    CHECK_FALSE(mj::write_backup(*db, f.dir + "/b", 1796007600, steps));
    CHECK(mj::list_files(f.dir + "/b").empty());
    std::ofstream(f.dir + "/b/mailjobs-20261130T030000Z.db.part") << "half";
    std::ofstream(f.dir + "/b/mailjobs-20261130T030000Z.db.gz.part") << "half";
    std::ofstream(f.dir + "/b/keep-me.part") << "not ours";
    CHECK(mj::remove_backup_parts(f.dir + "/b") == 2);
    CHECK(mj::list_files(f.dir + "/b") == std::vector<std::string>{"keep-me.part"});
}

TEST_CASE("unpack_backup refuses a truncated, damaged or foreign file, leaving no output", "[backup]") {
    Folder f;
    auto db = mj::Db::open(f.dir + "/live.db", 5000);
    db->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
    db->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO t(v) SELECT hex(randomblob(100)) FROM n");
    auto b = mj::write_backup(*db, f.dir + "/b", 1796007600, mj::BackupSteps());
    REQUIRE(b);
    const std::string out = f.dir + "/out.db";
    // Cut short.
    REQUIRE(truncate(b->path.c_str(), b->file_bytes / 2) == 0);
    CHECK_THROWS_WITH(mj::unpack_backup(b->path, out), Catch::Contains("truncated") || Catch::Contains("damaged"));
    CHECK(mj::file_size(out) < 0);
    // Not gzip at all.
    std::ofstream(f.dir + "/junk.db.gz") << "this is not a backup";
    CHECK_THROWS(mj::unpack_backup(f.dir + "/junk.db.gz", out));
    CHECK(mj::file_size(out) < 0);
    // A plain file that is not a database.
    std::ofstream(f.dir + "/junk.db") << "SQLite format 2 and some more bytes";
    CHECK_THROWS_WITH(mj::unpack_backup(f.dir + "/junk.db", out), Catch::Contains("does not hold a SQLite database"));
    CHECK(mj::file_size(out) < 0);
    CHECK_THROWS_WITH(mj::unpack_backup(f.dir + "/missing.db.gz", out), Catch::Contains("no such file"));
}
