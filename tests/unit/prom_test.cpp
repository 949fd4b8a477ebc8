#include "core/prom.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

#include "core/error.h"

TEST_CASE("prom_text: HELP and TYPE per family, labels escaped, never-run jobs without last-run samples") {
    nlohmann::json st = {
        {"now", 1795000000},
        {"jobs", {{{"name", "webhook-retry"}, {"enabled", true}, {"running", false}, {"consecutive_failures", 2},
                   {"last_outcome", "failed"}, {"last_started_at", 1794999990}, {"last_finished_at", 1794999999},
                   {"last_duration_ms", 1500}, {"next_due_at", 1795000060}},
                  {{"name", "we\"ird"}, {"enabled", false}, {"running", false}, {"consecutive_failures", 0},
                   {"last_outcome", nullptr}, {"next_due_at", nullptr}}}},
        {"queues", {{"delivery_log", {{"pending", 3}, {"due", 1}, {"waiting_user_inactive", 2}, {"oldest_pending_age_s", 120}}},
                    {"notification_outbox", {{"pending", 0}, {"due", 0}, {"oldest_pending_age_s", nullptr}}}}}};
    std::string t = mj::prom_text(st);
    auto has = [&](const std::string& s) { return t.find(s) != std::string::npos; };
    CHECK(has("# HELP mailjobs_job_consecutive_failures "));
    CHECK(has("# TYPE mailjobs_job_consecutive_failures gauge\n"));
    CHECK(has("mailjobs_job_consecutive_failures{job=\"webhook-retry\"} 2\n"));
    CHECK(has("mailjobs_job_consecutive_failures{job=\"we\\\"ird\"} 0\n"));
    CHECK(has("mailjobs_job_last_run_duration_seconds{job=\"webhook-retry\"} 1.500\n"));
    CHECK(has("mailjobs_job_last_run_failed{job=\"webhook-retry\"} 1\n"));
    CHECK(has("mailjobs_job_last_outcome{job=\"webhook-retry\",outcome=\"failed\"} 1\n"));
    CHECK(has("mailjobs_job_enabled{job=\"we\\\"ird\"} 0\n"));
    CHECK_FALSE(has("mailjobs_job_last_run_failed{job=\"we\\\"ird"));
    CHECK(has("mailjobs_queue_pending{queue=\"delivery_log\"} 3\n"));
    CHECK(has("mailjobs_queue_oldest_pending_age_seconds{queue=\"delivery_log\"} 120\n"));
    CHECK(has("mailjobs_queue_waiting_user_inactive{queue=\"delivery_log\"} 2\n"));
    CHECK_FALSE(has("mailjobs_queue_waiting_user_inactive{queue=\"notification_outbox\"}"));  // absent: no sample
    CHECK_FALSE(has("mailjobs_queue_oldest_pending_age_seconds{queue=\"notification_outbox\"}"));
    CHECK(has("mailjobs_status_timestamp_seconds 1795000000\n"));
    // every sample line belongs to a family declared before it
    std::istringstream in(t);
    std::string line, declared;
    while (std::getline(in, line)) {
        if (line.rfind("# TYPE ", 0) == 0) declared = line.substr(7, line.find(' ', 7) - 7);
        if (line[0] == '#') continue;
        INFO(line);
        CHECK(line.compare(0, declared.size(), declared) == 0);
    }
}

TEST_CASE("write_file_atomically: replaces the file; a missing folder is a usage error") {
    char tmpl[] = "/tmp/mj-prom-test.XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::string path = dir + "/m.prom";
    mj::write_file_atomically(path, "a 1\n");
    mj::write_file_atomically(path, "a 2\n");
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    CHECK(ss.str() == "a 2\n");
    try {
        mj::write_file_atomically(dir + "/missing/m.prom", "x");
        FAIL("no error");
    } catch (const mj::Error& e) {
        CHECK(e.code == mj::kExitUsage);
        CHECK(std::string(e.what()).find("No such file or directory") != std::string::npos);
    }
    std::system(("rm -rf " + dir).c_str());
}

namespace {
std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
void spit(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
std::string refusal(const std::string& path, const std::vector<std::string>& protected_files) {
    try {
        mj::write_metrics_file(path, mj::prom_text({{"now", 1}, {"jobs", nlohmann::json::array()}}), protected_files);
    } catch (const mj::Error& e) {
        CHECK(e.code == mj::kExitUsage);
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("write_metrics_file: replaces only its own metrics files, never the database, its journals or jobs.ini", "[prom]") {
    char tmpl[] = "/tmp/mj-prom-guard.XXXXXX";
    std::string dir = mkdtemp(tmpl);
    const std::string db = dir + "/app.db", ini = dir + "/jobs.ini", prom = dir + "/m.prom";
    spit(db, std::string("SQLite format 3\0rows", 20));
    spit(ini, "# mailjobs metrics, but this is jobs.ini\n[general]\n");
    const std::vector<std::string> guarded = {db, db + "-wal", db + "-shm", db + "-journal", ini};

    CHECK(mj::prom_text({{"now", 1}, {"jobs", nlohmann::json::array()}}).rfind(mj::kPromHeader, 0) == 0);
    // a missing file is written; then it is ours and is replaced
    CHECK(refusal(prom, guarded) == "");
    CHECK(slurp(prom).rfind(mj::kPromHeader, 0) == 0);
    CHECK(refusal(prom, guarded) == "");

    // the database, by name, by another spelling, by a hard link and by a symlink
    CHECK(refusal(db, guarded).find("a file mailjobs uses") != std::string::npos);
    CHECK(refusal(dir + "/./app.db", guarded).find("a file mailjobs uses") != std::string::npos);
    REQUIRE(link(db.c_str(), (dir + "/hard.prom").c_str()) == 0);
    CHECK(refusal(dir + "/hard.prom", guarded).find("a file mailjobs uses") != std::string::npos);
    REQUIRE(symlink(db.c_str(), (dir + "/soft.prom").c_str()) == 0);
    CHECK(refusal(dir + "/soft.prom", guarded).find("a file mailjobs uses") != std::string::npos);
    // a -wal that does not exist right now, and jobs.ini even though it starts with the header
    CHECK(refusal(db + "-wal", guarded).find("a file mailjobs uses") != std::string::npos);
    CHECK(access((db + "-wal").c_str(), F_OK) != 0);
    CHECK(refusal(ini, guarded).find("a file mailjobs uses") != std::string::npos);
    // someone else's file, an empty file, a folder
    spit(dir + "/notes.txt", "my notes\n");
    CHECK(refusal(dir + "/notes.txt", guarded).find("not a metrics file written by mailjobs") != std::string::npos);
    spit(dir + "/empty.prom", "");
    CHECK(refusal(dir + "/empty.prom", guarded).find("not a metrics file written by mailjobs") != std::string::npos);
    CHECK(refusal(dir, guarded).find("not a regular file") != std::string::npos);

    CHECK(slurp(db) == std::string("SQLite format 3\0rows", 20));
    CHECK(slurp(ini) == "# mailjobs metrics, but this is jobs.ini\n[general]\n");
    CHECK(slurp(dir + "/notes.txt") == "my notes\n");
    CHECK(slurp(dir + "/empty.prom") == "");
    std::system(("rm -rf " + dir).c_str());
}
