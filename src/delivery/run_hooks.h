// delivery/'s run hooks (core/run_hooks.h): the monitoring ping at a run's start and end
// (pings.h) and the operator alerts once it is recorded (alerts.h). jobs/startup.cpp registers
// them, pings before alerts, as the runner called them before the hooks existed.
#pragma once
#include <memory>

#include "core/run_hooks.h"

namespace mj {

// Start ping now, end ping once the run is recorded (issue 5).
std::unique_ptr<RunWatch> ping_run_hook(const RunStart& run);

// Operator alerts once the run is recorded: failure streaks and recovery (issue 5).
std::unique_ptr<RunWatch> alert_run_hook(const RunStart& run);

}  // namespace mj
