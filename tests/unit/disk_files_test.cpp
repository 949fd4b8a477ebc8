#include "core/disk_files.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "core/job_catalogue.h"
#include "core/user_data.h"

namespace {

mj::Config config_with(std::vector<std::string> sets) {
    mj::LoadOptions o;
    o.file = "/nonexistent/jobs.ini.none";  // explicit but missing: the one problem expected
    o.jobs = mj::job_defaults();
    o.cli_sets = std::move(sets);
    std::vector<mj::ConfigProblem> problems;
    auto c = mj::Config::load(o, &problems);
    for (const auto& p : problems) {
        INFO(p.where + ": " + p.message);
        REQUIRE((p.where + p.message).find("jobs.ini.none") != std::string::npos);
    }
    return c;
}

struct TempDir {
    std::string path;
    TempDir() {
        char t[] = "/tmp/mj-disk-files.XXXXXX";
        path = mkdtemp(t);
    }
    ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

}  // namespace

TEST_CASE("file_column_folders: every file column of the user-data list has a folder", "[disk]") {
    auto c = config_with({});
    const auto folders = mj::file_column_folders(c);  // throws for a column it does not know
    for (const auto& e : mj::user_data_tables())
        for (const char* col : e.file_columns) {
            bool found = false;
            for (const auto& f : folders) found = found || (f.table == e.table && f.column == col);
            CHECK(found);
        }
    // The three spool tables all go to the one default spool folder; exports to [export] dir.
    int spool = 0, exports = 0;
    for (const auto& f : folders) (f.kind == "spool" ? spool : exports) += 1;
    CHECK(spool == 3);
    CHECK(exports == 1);
}

TEST_CASE("spool_folders: distinct configured folders", "[disk]") {
    auto c = config_with({"job.spam-quarantine-expiry.spool_dir=/srv/quarantine"});
    const auto dirs = mj::spool_folders(c);
    REQUIRE(dirs.size() == 2);
    CHECK(dirs[1] == "/srv/quarantine");
}

TEST_CASE("resolved_path and holds_folder", "[disk]") {
    TempDir t;
    REQUIRE(mkdir((t.path + "/real").c_str(), 0700) == 0);
    REQUIRE(symlink((t.path + "/real").c_str(), (t.path + "/link").c_str()) == 0);
    const std::string real = mj::resolved_path(t.path + "/real");
    CHECK(mj::resolved_path(t.path + "/link") == real);
    CHECK(mj::resolved_path(t.path + "/link/not/yet/../there") == real + "/not/there");
    CHECK(mj::holds_folder(real, real));
    CHECK(mj::holds_folder(real, real + "/a"));
    CHECK_FALSE(mj::holds_folder(real, real + "x/a"));
    CHECK_FALSE(mj::holds_folder(real + "/a", real));
    CHECK(mj::holds_folder("/", real));
}

TEST_CASE("spool_folder_refusal: the spool must not hold what is not spool", "[disk]") {
    TempDir t;
    const std::string db = t.path + "/var/mailjobs.db";
    auto ok = config_with({"general.database=" + db, "general.log_file=" + t.path + "/var/mailjobs.log",
                           "job.forward-retry.spool_dir=" + t.path + "/var/spool"});
    CHECK(mj::spool_folder_refusal(ok, t.path + "/var/spool") == "");
    // The database's folder itself, or a folder above it.
    CHECK(mj::spool_folder_refusal(ok, t.path + "/var").find("the database's folder") != std::string::npos);
    CHECK(mj::spool_folder_refusal(ok, t.path).find("holds the database's folder") != std::string::npos);
    // Another kind's folder.
    auto shared = config_with({"general.database=" + db, "export.dir=" + t.path + "/var/spool/exports"});
    CHECK(mj::spool_folder_refusal(shared, t.path + "/var/spool").find("[export] dir") != std::string::npos);
    // $HOME.
    const char* old = std::getenv("HOME");
    const std::string saved = old ? old : "";
    setenv("HOME", (t.path + "/home").c_str(), 1);
    CHECK(mj::spool_folder_refusal(ok, t.path + "/home").find("$HOME") != std::string::npos);
    if (old) setenv("HOME", saved.c_str(), 1); else unsetenv("HOME");
}

TEST_CASE("disk_usage: bytes per kind", "[disk]") {
    TempDir t;
    const std::string v = t.path + "/var";
    REQUIRE(mkdir(v.c_str(), 0700) == 0);
    for (const char* d : {"/spool", "/spool/sub", "/exports", "/backups", "/audit-archive"}) REQUIRE(mkdir((v + d).c_str(), 0700) == 0);
    auto write = [](const std::string& p, size_t n) { std::ofstream(p) << std::string(n, 'x'); };
    write(v + "/mailjobs.db", 4096);
    write(v + "/spool/a.eml", 100);
    write(v + "/spool/sub/b.eml", 50);
    write(v + "/exports/x.zip", 7);
    write(v + "/backups/mailjobs-x.db.gz", 9);
    write(v + "/audit-archive/audit-2026-01-01.jsonl.gz", 11);
    auto c = config_with({"general.database=" + v + "/mailjobs.db", "job.forward-retry.spool_dir=" + v + "/spool",
                          "job.overflow-hold-expiry.spool_dir=" + v + "/spool", "job.spam-quarantine-expiry.spool_dir=" + v + "/spool",
                          "export.dir=" + v + "/exports", "backup.dir=" + v + "/backups",
                          "job.audit-log-cleanup.archive_dir=" + v + "/audit-archive"});
    const auto u = mj::disk_usage(c);
    CHECK(u["database"] == 4096);
    CHECK(u["wal"] == 0);
    CHECK(u["spool"] == 150);  // walked, counted once though three jobs name it
    CHECK(u["exports"] == 7);
    CHECK(u["backups"] == 9);
    CHECK(u["archives"] == 11);
    CHECK(mj::disk_usage_text(u).find("spool 150 B") != std::string::npos);
}
