#include "jobs/spool_files.h"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>

namespace {

// A folder with jobs.ini, a database with a table t(id, spool_path), and a spool folder.
struct Fixture {
    std::string dir;
    mj::Config config;
    std::unique_ptr<mj::Db> db;

    Fixture() {
        char tmpl[] = "/tmp/mj-spool-test.XXXXXX";
        dir = mkdtemp(tmpl);
        std::ofstream(dir + "/jobs.ini") << "[general]\ndatabase = t.db\nlog_file = log\n";
        mj::LoadOptions o;
        o.file = dir + "/jobs.ini";
        o.jobs = {{"test-job", "@daily"}};
        std::vector<mj::ConfigProblem> problems;
        config = mj::Config::load(o, &problems);
        REQUIRE(problems.empty());
        db = mj::Db::open(dir + "/t.db", 5000);
        db->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, spool_path TEXT)");
        std::system(("mkdir -p " + dir + "/spool").c_str());
    }
    ~Fixture() {
        db.reset();
        std::system(("rm -rf " + dir).c_str());
    }
    mj::JobContext ctx() {
        return mj::JobContext(*db, config, "test-job", 100000, mj::DryRun::no, std::chrono::steady_clock::now() + std::chrono::hours(1));
    }
    // row `id` whose spool file `name` exists (relative to the spool folder)
    void row(int id, const std::string& name) {
        std::ofstream(dir + "/spool/" + name) << "message";
        db->exec("INSERT INTO t(id, spool_path) VALUES(" + std::to_string(id) + ", '" + name + "')");
    }
    bool exists(const std::string& name) { return access((dir + "/spool/" + name).c_str(), F_OK) == 0; }
};

}  // namespace

TEST_CASE("SpoolFiles, files go only after their batch committed") {
    Fixture f;
    auto ctx = f.ctx();
    f.row(1, "a.eml");
    f.row(2, "b.eml");
    f.row(3, "c.eml");
    f.db->exec("INSERT INTO t(id, spool_path) VALUES(4, NULL)");
    mj::SpoolFiles spool(ctx, f.dir + "/spool");

    SECTION("collect remembers; the next collect (next batch) removes the previous batch's files") {
        spool.collect("t", {1, 4});
        CHECK(f.exists("a.eml"));  // batch 1 not committed yet
        spool.collect("t", {2});
        CHECK_FALSE(f.exists("a.eml"));
        CHECK(f.exists("b.eml"));
        spool.remove_committed();
        CHECK_FALSE(f.exists("b.eml"));
        CHECK(f.exists("c.eml"));
        CHECK(ctx.counts.by_name["spool_files"] == 2);
    }
    SECTION("a rolled-back batch keeps its files") {
        spool.collect("t", {1, 2});
        spool.drop_pending();
        spool.remove_committed();
        CHECK(f.exists("a.eml"));
        CHECK(f.exists("b.eml"));
        CHECK(ctx.counts.by_name.count("spool_files") == 0);
    }
    SECTION("a file already gone is fine; a path leaving the folder is refused") {
        unlink((f.dir + "/spool/a.eml").c_str());
        std::ofstream(f.dir + "/outside.eml") << "x";
        f.db->exec("INSERT INTO t(id, spool_path) VALUES(5, '../outside.eml')");
        spool.collect("t", {1, 5});
        spool.remove_committed();
        CHECK(access((f.dir + "/outside.eml").c_str(), F_OK) == 0);
        CHECK(ctx.counts.by_name.count("spool_files") == 0);
    }
    SECTION("'..' only as a path component is refused; no spool folder = relative paths stay") {
        f.row(7, "x..y.eml");
        spool.collect("t", {7});
        spool.remove_committed();
        CHECK_FALSE(f.exists("x..y.eml"));
        mj::SpoolFiles no_dir(ctx, "");
        no_dir.collect("t", {1});
        no_dir.remove_committed();
        CHECK(f.exists("a.eml"));
    }
    SECTION("an absolute path is deleted only inside the spool folder") {
        std::ofstream(f.dir + "/jobs-copy.ini") << "x";
        std::ofstream(f.dir + "/spool/abs.eml") << "x";
        f.db->exec("INSERT INTO t(id, spool_path) VALUES(6, '" + f.dir + "/jobs-copy.ini'), (8, '" + f.dir +
                         "/spool/abs.eml')");
        spool.collect("t", {6, 8});
        spool.remove_committed();
        CHECK(access((f.dir + "/jobs-copy.ini").c_str(), F_OK) == 0);  // outside: refused
        CHECK_FALSE(f.exists("abs.eml"));                                // inside: deleted
        CHECK(ctx.counts.by_name["spool_files"] == 1);
    }
    SECTION("a symlinked folder leading out of the spool folder is not followed; a symlink file goes, not its target") {
        std::system(("mkdir -p " + f.dir + "/elsewhere && ln -s " + f.dir + "/elsewhere " + f.dir + "/spool/sub").c_str());
        std::ofstream(f.dir + "/elsewhere/victim.eml") << "x";
        std::ofstream(f.dir + "/target.eml") << "x";
        std::system(("ln -s " + f.dir + "/target.eml " + f.dir + "/spool/link.eml").c_str());
        f.db->exec("INSERT INTO t(id, spool_path) VALUES(9, 'sub/victim.eml'), (10, 'link.eml')");
        spool.collect("t", {9, 10});
        spool.remove_committed();
        CHECK(access((f.dir + "/elsewhere/victim.eml").c_str(), F_OK) == 0);
        CHECK(access((f.dir + "/target.eml").c_str(), F_OK) == 0);
        CHECK_FALSE(f.exists("link.eml"));
    }
    SECTION("no spool folder configured: nothing is deleted, absolute paths neither") {
        std::ofstream(f.dir + "/abs.eml") << "x";
        f.db->exec("INSERT INTO t(id, spool_path) VALUES(6, '" + f.dir + "/abs.eml')");
        mj::SpoolFiles no_dir(ctx, "");
        no_dir.collect("t", {6});
        no_dir.remove_committed();
        CHECK(access((f.dir + "/abs.eml").c_str(), F_OK) == 0);
    }
}

TEST_CASE("resolve_spool_path: only files inside the spool folder, by their resolved folder") {
    char tmpl[] = "/tmp/mj-spool-resolve.XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::system(("mkdir -p " + dir + "/spool/sub " + dir + "/elsewhere && ln -s " + dir + "/elsewhere " + dir + "/spool/out").c_str());
    const std::string spool = dir + "/spool";
    char* real_c = realpath(spool.c_str(), nullptr);
    const std::string real = real_c;
    std::free(real_c);

    SECTION("relative and absolute paths inside") {
        CHECK(mj::resolve_spool_path(spool, "sub/a.eml").path == real + "/sub/a.eml");
        CHECK(mj::resolve_spool_path(spool, spool + "/a.eml").path == real + "/a.eml");
        CHECK_FALSE(mj::resolve_spool_path(spool, "sub/a.eml").refused);
    }
    SECTION("refused: outside, climbing, a symlinked folder pointing out, a folder name, no spool_dir") {
        CHECK(mj::resolve_spool_path(spool, dir + "/elsewhere/x").refused);
        CHECK(mj::resolve_spool_path(spool, "/etc/passwd").refused);
        CHECK(mj::resolve_spool_path(spool, "../elsewhere/x").refused);
        CHECK(mj::resolve_spool_path(spool, "sub/../../x").refused);
        CHECK(mj::resolve_spool_path(spool, "out/x").refused);
        CHECK(mj::resolve_spool_path(spool, "sub/").refused);
        CHECK(mj::resolve_spool_path("", "a.eml").refused);
    }
    SECTION("a missing folder is missing, not refused") {
        auto sp = mj::resolve_spool_path(spool, "gone/a.eml");
        CHECK_FALSE(sp.refused);
        CHECK(sp.missing);
    }
    std::system(("rm -rf " + dir).c_str());
}
