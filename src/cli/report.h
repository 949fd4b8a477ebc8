// Printing run results for `run`, `tick` and `worker`: one line per job, or JSON.
#pragma once
#include <vector>

#include "core/runner.h"

namespace mj {

void print_run_results(const std::vector<RunResult>& results, const std::vector<const JobDef*>& jobs, bool json, bool dry_run);
nlohmann::json run_result_json(const RunResult& r, const char* job);

}  // namespace mj
