#include "cli/history_attempts.h"

#include <cstdio>

#include "core/exit_codes.h"
#include "core/log.h"
#include "delivery/attempts.h"
#include "core/text.h"  // issue 11.4: all output through one escaping place

namespace mj {

int print_attempts(Db& db, const std::string& job, int64_t run_id, int limit, bool json) {
    nlohmann::json rows = recent_attempts(db, job, run_id, limit);
    if (json) {
        print_json(rows);
        return kExitOk;
    }
    print("%-6s %-20s %-22s %-28s %7s %6s %8s %-20s  %s\n", "RUN", "AT", "JOB", "ITEM", "ATTEMPT", "CODE", "MS",
                "NEXT RETRY", "ERROR");
    for (const auto& a : rows) {
        std::string item = a["item_table"].get<std::string>() + ":" + std::to_string(a["item_id"].get<int64_t>());
        std::string code = a["status_code"].is_null() ? "-" : std::to_string(a["status_code"].get<int64_t>());
        std::string next = a["will_retry"].get<bool>() ? iso_time(a["next_retry_at"].get<int64_t>()) : "no retry";
        std::string err = a["error"].is_null() ? "ok" : a["error"].get<std::string>();
        std::string run = a["run_id"].is_null() ? "-" : std::to_string(a["run_id"].get<int64_t>());
        print("%-6s %-20s %-22s %-28s %7lld %6s %8lld %-20s  %s\n", run.c_str(), iso_time(a["created_at"].get<int64_t>()).c_str(),
                    a["job"].get<std::string>().c_str(), item.c_str(), static_cast<long long>(a["attempt"].get<int64_t>()),
                    code.c_str(), static_cast<long long>(a["duration_ms"].is_null() ? 0 : a["duration_ms"].get<int64_t>()),
                    next.c_str(), printable(err).c_str());
    }
    return kExitOk;
}

}  // namespace mj
