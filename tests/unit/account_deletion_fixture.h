// A migrated database in a temp folder with a jobs.ini whose [job.account-deletion] section is
// `section`: the set-up the account-deletion and tombstone tests share.
#pragma once
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/db.h"
#include "core/job.h"

struct AccountDeletionDb {
    std::string dir;
    mj::Config config;
    std::unique_ptr<mj::Db> db;
    explicit AccountDeletionDb(const std::string& section) {
        char tmpl[] = "/tmp/mj-account-deletion-test.XXXXXX";
        dir = mkdtemp(tmpl);
        std::ofstream(dir + "/jobs.ini") << "[general]\ndatabase = t.db\nlog_file = log\n[job.account-deletion]\n" << section;
        mj::LoadOptions o;
        o.file = dir + "/jobs.ini";
        o.jobs = {{"account-deletion", "@hourly"}};
        std::vector<mj::ConfigProblem> problems;
        config = mj::Config::load(o, &problems);
        REQUIRE(problems.empty());
        db = mj::Db::open(dir + "/t.db", 5000);
    }
    ~AccountDeletionDb() {
        db.reset();
        std::system(("rm -rf " + dir).c_str());
    }
    AccountDeletionDb(const AccountDeletionDb&) = delete;
    AccountDeletionDb& operator=(const AccountDeletionDb&) = delete;
};
