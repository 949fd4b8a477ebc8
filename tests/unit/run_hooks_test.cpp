#include "core/run_hooks.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/job_catalogue.h"
#include "jobs/bootstrap.h"

namespace {

// Each hook writes "<name>:start" and "<name>:recorded" into one shared log.
struct Recorder : mj::RunWatch {
    Recorder(std::vector<std::string>& log, std::string name) : log(log), name(std::move(name)) {}
    void recorded(const mj::RunRecorded& run) override {
        log.push_back(name + ":recorded " + run.job + " " + std::to_string(run.run_id) + " " + run.summary);
    }
    std::vector<std::string>& log;
    std::string name;
};

mj::RunHook recording_hook(std::vector<std::string>& log, const std::string& name, bool watch = true) {
    return [&log, name, watch](const mj::RunStart& run) -> std::unique_ptr<mj::RunWatch> {
        log.push_back(name + ":start " + run.job + " " + std::to_string(run.run_id));
        if (!watch) return nullptr;
        return std::make_unique<Recorder>(log, name);
    };
}

}  // namespace

TEST_CASE("RunWatches: hooks start and end in registration order; a hook without a watch is only started") {
    char tmpl[] = "/tmp/mj-run-hooks-test.XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    {
        auto db = mj::Db::open(dir + "/t.db", 1000);
        mj::LoadOptions lo;
        lo.file = dir + "/jobs.ini";
        std::system(("touch " + lo.file).c_str());  // built-in defaults
        lo.jobs = mj::job_defaults();
        std::vector<mj::ConfigProblem> problems;
        const mj::Config config = mj::Config::load(lo, &problems);
        REQUIRE(problems.empty());

        std::vector<std::string> log;
        mj::set_run_hooks({recording_hook(log, "pings"), recording_hook(log, "silent", false), recording_hook(log, "alerts")});
        const std::string job = "vacuum", summary = "done", error;
        auto watches = mj::RunWatches::start({config, job, 7});
        log.push_back("job works");
        watches.recorded({*db, config, job, 7, false, 0, summary, error});
        CHECK(log == std::vector<std::string>{"pings:start vacuum 7", "silent:start vacuum 7", "alerts:start vacuum 7", "job works",
                                              "pings:recorded vacuum 7 done", "alerts:recorded vacuum 7 done"});
    }
    mj::bootstrap();  // the real hooks again, for the tests after this one
    std::system(("rm -rf " + dir).c_str());
}
