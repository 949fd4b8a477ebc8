#include "core/config.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

#include "core/job_catalogue.h"

namespace {

// Each case writes its own file in its own temporary folder.
struct TempIni {
    std::string dir, path;
    explicit TempIni(const std::string& text) {
        char tmpl[] = "/tmp/mj-config-test.XXXXXX";
        dir = mkdtemp(tmpl);
        path = dir + "/jobs.ini";
        std::ofstream(path) << text;
    }
    ~TempIni() { std::system(("rm -rf " + dir).c_str()); }
};

mj::Config load(const std::string& file, std::vector<mj::ConfigProblem>* problems, std::vector<std::string> sets = {}) {
    mj::LoadOptions o;
    o.file = file;
    o.cli_sets = sets;
    o.jobs = mj::job_defaults();
    return mj::Config::load(o, problems);
}

}  // namespace

TEST_CASE("Config: origins for default, file, env and cli") {
    TempIni ini("[general]\ntime_budget = 90s\n\n[job.session-cleanup]\nbatch_size = 50\nidle_timeout = 6h\n");
    setenv("MAILJOBS_JOB_SESSION_CLEANUP_BATCH_SIZE", "70", 1);
    setenv("MAILJOBS_GENERAL_BUSY_TIMEOUT", "3s", 1);
    std::vector<mj::ConfigProblem> problems;
    auto c = load(ini.path, &problems, {"general.busy_timeout=7s"});
    unsetenv("MAILJOBS_JOB_SESSION_CLEANUP_BATCH_SIZE");
    unsetenv("MAILJOBS_GENERAL_BUSY_TIMEOUT");
    REQUIRE(problems.empty());
    CHECK(c.value("general", "timezone").origin == "default");
    CHECK(c.value("general", "time_budget").origin == ini.path + ":2");
    CHECK(c.duration("general", "time_budget") == 90);
    CHECK(c.value("job.session-cleanup", "batch_size").origin == "env");
    CHECK(c.integer("job.session-cleanup", "batch_size") == 70);
    CHECK(c.value("general", "busy_timeout").origin == "cli");
    CHECK(c.duration("general", "busy_timeout") == 7);
    CHECK(c.duration("job.session-cleanup", "idle_timeout") == 21600);
    CHECK(c.value("job.session-cleanup", "idle_timeout").origin == ini.path + ":6");
    // The registry supplies each job's default schedule.
    CHECK(c.str("job.session-cleanup", "schedule") == mj::find_job("session-cleanup")->schedule);
}

TEST_CASE("Config: every problem is listed with file:line and a did-you-mean") {
    TempIni ini("[general]\ntime_budgte = 90s\n[job.sesion-cleanup]\nbatch_size = 5\n[job.session-cleanup]\n"
                "idle_timeout = 30x\nolder_than = -5d\nbatch_size = many\n[job.magic-link-expiry]\nolder_than = 0\n"
                "schedule = 61 * * * *\n[general]\nlog_format =\n");
    std::vector<mj::ConfigProblem> problems;
    load(ini.path, &problems);
    std::map<std::string, std::string> by_line;
    for (const auto& p : problems) by_line[p.where] = p.message;
    auto at = [&](int line) { return by_line[ini.path + ":" + std::to_string(line)]; };
    CHECK_THAT(at(2), Catch::Contains("unknown key 'time_budgte'") && Catch::Contains("did you mean 'time_budget'"));
    CHECK_THAT(at(3), Catch::Contains("unknown section [job.sesion-cleanup]") && Catch::Contains("[job.session-cleanup]"));
    CHECK_THAT(at(6), Catch::Contains("30x"));
    CHECK_THAT(at(7), Catch::Contains("-5d"));
    CHECK_THAT(at(8), Catch::Contains("whole number"));
    CHECK_THAT(at(10), Catch::Contains("greater than zero"));
    CHECK_THAT(at(11), Catch::Contains("minute"));
    CHECK_THAT(at(13), Catch::Contains("expected one of"));
    CHECK(problems.size() == 8);
}

TEST_CASE("Config: a missing explicit file is a problem, a missing ./jobs.ini is not") {
    std::vector<mj::ConfigProblem> problems;
    load("/nonexistent/jobs.ini", &problems);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].message, Catch::Contains("cannot read"));
}

TEST_CASE("Config: bad environment and --set values are problems too") {
    TempIni ini("");
    setenv("MAILJOBS_GENERAL_TIME_BUDGET", "10", 1);
    std::vector<mj::ConfigProblem> problems;
    load(ini.path, &problems, {"general.nope=1", "job.session-cleanup.batch_size=x"});
    unsetenv("MAILJOBS_GENERAL_TIME_BUDGET");
    CHECK(problems.size() == 3);
}

TEST_CASE("Config: operator retention policies need table, time_column, older_than") {
    TempIni ini("[retention.my-logs]\ntable = app_log\n");
    std::vector<mj::ConfigProblem> problems;
    auto c = load(ini.path, &problems);
    CHECK(c.retention_sections() == std::vector<std::string>{"retention.my-logs"});
    std::string all;
    for (const auto& p : problems) all += p.message + "\n";
    INFO(all);
    CHECK_THAT(all, Catch::Contains("needs 'time_column'") && Catch::Contains("needs 'older_than'"));
    CHECK_THAT(all, !Catch::Contains("needs 'table'"));
}

TEST_CASE("jobs.ini.sample documents every key with its default") {
    std::ifstream in("jobs.ini.sample");
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string sample = ss.str();
    for (const auto& k : mj::config_keys()) {
        // Each key appears as "; key = default" (commented out, showing the default) under its
        // section header; "job.*" keys are documented once under [job.NAME] defaults.
        std::string section = k.section;
        // the header at the start of a line ("; [job.*]" for the keys every job has)
        // (and "; [retention.*]" for the keys of operators' policies: a live header would be a policy)
        std::string header = (section == "job.*" || section == "retention.*" ? "\n; [" : "\n[") + section + "]\n";
        INFO("key " << section << "." << k.key);
        auto at = sample.find(header);
        REQUIRE(at != std::string::npos);
        auto next = std::min(sample.find("\n[", at + 1), sample.find("\n; [", at + 1));
        std::string body = sample.substr(at, next == std::string::npos ? std::string::npos : next - at);
        std::string def = k.def;
        if (section == "job.*" && std::string(k.key) == "schedule") def = "(registry default)";
        std::string line = ";" + std::string(" ") + k.key + " = " + def;
        CHECK(body.find(line) != std::string::npos);
    }
}

TEST_CASE("Config: retry schedules are lists of exact durations, checked at load") {
    TempIni ini("[job.forward-retry]\nretry_schedule = 1h, 6h,24h ,48h\n[job.webhook-retry]\nretry_schedule = 1m,5x\n"
                "[job.notification-delivery]\nretry_schedule = ,\n");
    std::vector<mj::ConfigProblem> problems;
    auto c = load(ini.path, &problems);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].where == ini.path + ":4");
    CHECK_THAT(problems[0].message, Catch::Contains("bad duration '5x'"));
    CHECK(problems[1].where == ini.path + ":6");
    CHECK((c.list("job.forward-retry", "retry_schedule") == std::vector<std::string>{"1h", "6h", "24h", "48h"}));
}

TEST_CASE("Config: lines of any length up to 64 KiB; errors after a long line keep their line numbers") {
    const std::string where = "status = '" + std::string(5000, 'x') + "'";
    const std::string url = "https://hc-ping.com/" + std::string(5000, 'a');
    TempIni ini("[general]\ntime_budget = 90s\n[retention.app-events]\ntable = app_events\ntime_column = created_at\n"
                "older_than = 60d\nwhere = " + where + "\n[job.session-cleanup]\nping_url = " + url +
                "\nbatch_size = 0x\nunknwn = 1\n");
    std::vector<mj::ConfigProblem> problems;
    auto c = load(ini.path, &problems);
    REQUIRE(c.str("retention.app-events", "where") == where);
    REQUIRE(c.str("job.session-cleanup", "ping_url") == url);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].where == ini.path + ":10");
    CHECK(problems[0].message.find("batch_size") != std::string::npos);
    CHECK(problems[1].where == ini.path + ":11");
}

TEST_CASE("Config: a line over 64 KiB is one problem at its own line, and the next lines keep their numbers") {
    TempIni ini("[general]\ntime_budget = 90s\n[job.session-cleanup]\nping_url = https://x/" + std::string(70000, 'a') +
                "\nbatch_size = 0x\n");
    std::vector<mj::ConfigProblem> problems;
    auto c = load(ini.path, &problems);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].where == ini.path + ":4");
    CHECK(problems[0].message.find("bytes long; at most 65536") != std::string::npos);
    CHECK(problems[1].where == ini.path + ":5");
    CHECK(c.str("job.session-cleanup", "ping_url").empty());
}

TEST_CASE("Config: a last line without a newline and a long section name") {
    TempIni ini("[general]\n[retention." + std::string(60, 'n') + "]\ntable = t\n[general]\ntime_budget = 90s");
    std::vector<mj::ConfigProblem> problems;
    auto c = load(ini.path, &problems);
    REQUIRE(problems.size() >= 1);
    CHECK(problems[0].where == ini.path + ":2");
    CHECK(problems[0].message == "section name is longer than 49 characters");
    CHECK(c.str("general", "time_budget") == "90s");
}

TEST_CASE("Config: every duration and integer key has a range, checked at load with file:line") {
    TempIni ini("[general]\nbusy_timeout = 25d\ntime_budget = 2d\n[job.session-cleanup]\nbatch_size = 0\n"
                "[retention.x]\ntable = t\ntime_column = c\nolder_than = 36501d\nbatch_size = 999999999999999\n"
                "[mail]\nsmtp_port = 65536\n[job.forward-retry]\nretry_schedule = 1h,36501d\n");
    std::vector<mj::ConfigProblem> problems;
    load(ini.path, &problems, {"http.timeout=2h"});
    std::vector<std::string> got;
    for (const auto& p : problems) got.push_back(p.where + ": " + p.message);
    const std::string f = ini.path;
    CHECK(got == std::vector<std::string>{
                     f + ":2: [general] busy_timeout: '25d' is too long (at most 1h)",
                     f + ":3: [general] time_budget: '2d' is too long (at most 1d)",
                     f + ":5: [job.session-cleanup] batch_size: '0' is out of range (1..1000000)",
                     f + ":9: [retention.x] older_than: '36501d' is too long (at most 36500d)",
                     f + ":10: [retention.x] batch_size: '999999999999999' is out of range (1..1000000)",
                     f + ":12: [mail] smtp_port: '65536' is out of range (0..65535)",
                     f + ":14: [job.forward-retry] retry_schedule: '36501d' is too long (at most 36500d)",
                     "--set: http.timeout: '2h' is too long (at most 1h)",
                     // the refused older_than leaves the policy without one: named at its [section] line
                     f + ":6: [retention.x] needs 'older_than'"});
    // the limits themselves are accepted
    std::vector<mj::ConfigProblem> none;
    TempIni empty("[general]\n");
    load(empty.path, &none, {"general.busy_timeout=1h", "general.time_budget=1d", "job.vacuum.batch_size=1000000", "mail.smtp_port=65535"});
    CHECK(none.empty());
}
