#include "delivery/run_hooks.h"

#include <utility>

#include "delivery/alerts.h"
#include "delivery/pings.h"

namespace mj {
namespace {

class PingWatch : public RunWatch {
public:
    explicit PingWatch(PingRun ping) : ping_(std::move(ping)) {}
    void recorded(const RunRecorded& run) override {
        ping_end(run.config, ping_, run.job, run.run_id, run.exit_status, run.summary);
    }

private:
    PingRun ping_;  // the start ping's URL and run id, which the end ping repeats
};

class AlertWatch : public RunWatch {
public:
    void recorded(const RunRecorded& run) override {
        check_alerts(run.db, run.config, run.job, run.run_id, run.failed, run.error);
    }
};

}  // namespace

std::unique_ptr<RunWatch> ping_run_hook(const RunStart& run) {
    return std::make_unique<PingWatch>(ping_start(run.config, run.job, run.run_id));
}

std::unique_ptr<RunWatch> alert_run_hook(const RunStart& run) { return std::make_unique<AlertWatch>(); }

}  // namespace mj
