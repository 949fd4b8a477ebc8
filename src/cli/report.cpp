#include "cli/report.h"
#include "core/text.h"  // issue 11.4: all output through one escaping place

#include <cstdio>

namespace mj {

nlohmann::json run_result_json(const RunResult& r, const char* job) {
    nlohmann::json j = {{"job", job}, {"run_id", r.run_id}, {"outcome", outcome_name(r.outcome)},
                        {"exit_reason", r.exit_reason}, {"examined", r.counts.examined},
                        {"changed", r.counts.changed}, {"duration_ms", r.duration_ms}};
    j["counts"] = nlohmann::json::object();
    for (const auto& [k, v] : r.counts.by_name) j["counts"][k] = v;
    if (!r.error.empty()) j["error"] = r.error;
    if (!r.result.empty()) j["result"] = r.result;
    return j;
}

void print_run_results(const std::vector<RunResult>& results, const std::vector<const JobDef*>& jobs, bool json, bool dry_run) {
    if (json) {
        nlohmann::json arr = nlohmann::json::array();
        for (size_t i = 0; i < results.size(); ++i) arr.push_back(run_result_json(results[i], jobs[i]->name));
        // A single job with its own result shape (message-cleanup's {success, deleted_count,
        // timestamp}) prints that shape, as the seed's function returns it.
        if (results.size() == 1 && !results[0].result.empty()) print_json(results[0].result);
        else print_json(arr);
        return;
    }
    for (size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        std::string counts;
        for (const auto& [k, v] : r.counts.by_name) counts += (counts.empty() ? "" : ", ") + k + " " + std::to_string(v);
        print("%-32s %-8s %s%lld%s  (%s) %.1fs [run %lld]%s%s\n", jobs[i]->name,
                    r.exit_reason == "signal" ? "stopped" : outcome_name(r.outcome),
                    dry_run ? "would change " : "changed ", static_cast<long long>(dry_run ? r.counts.examined : r.counts.changed),
                    counts.empty() ? "" : (": " + counts).c_str(), r.exit_reason.c_str(), r.duration_ms / 1000.0,
                    static_cast<long long>(r.run_id), r.error.empty() ? "" : " error: ", printable(r.error).c_str());
        // A dry run that names the files it would remove (disk-sweep) lists them.
        if (r.result.contains("would_remove") && r.result["would_remove"].is_array()) {
            for (const auto& f : r.result["would_remove"])
                print("  would remove %-8s %s (%lld bytes)\n", f.value("kind", "").c_str(), printable(f.value("path", "")).c_str(),
                      static_cast<long long>(f.value("bytes", int64_t(0))));
            if (r.result.contains("not_listed"))
                print("  ... and %lld more\n", static_cast<long long>(r.result["not_listed"].get<int64_t>()));
        }
        // A job that checked named items (dns-recheck --domain) lists each one's result.
        if (r.result.contains("records") && r.result["records"].is_array()) {
            const auto& res = r.result;
            if (res.contains("skipped")) print("  %s: skipped, %s\n", printable(res.value("domain", "")).c_str(), res.value("skipped", "").c_str());
            else print("  %s: %s, status %s -> %s%s\n", printable(res.value("domain", "")).c_str(), res.value("result", "").c_str(),
                       res.value("status_before", "").c_str(), res.value("status", "").c_str(), dry_run ? " (dry run: nothing written)" : "");
            for (const auto& rec : res["records"])
                print("    %-6s %-8s %-8s %s\n", rec.value("record", "").c_str(), rec.value("required", false) ? "required" : "optional",
                      rec.value("result", "").c_str(), printable(rec.value("detail", "")).c_str());
        }
    }
}

}  // namespace mj
