#include "core/run_hooks.h"

#include <utility>

namespace mj {
namespace {

std::vector<RunHook>& hooks() {
    static std::vector<RunHook> registered;
    return registered;
}

}  // namespace

void set_run_hooks(std::vector<RunHook> h) { hooks() = std::move(h); }

RunWatches RunWatches::start(const RunStart& run) {
    RunWatches w;
    for (const auto& hook : hooks())
        if (auto watch = hook(run)) w.watches_.push_back(std::move(watch));
    return w;
}

void RunWatches::recorded(const RunRecorded& run) {
    for (const auto& watch : watches_) watch->recorded(run);
}

}  // namespace mj
