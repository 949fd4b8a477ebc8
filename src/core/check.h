// One result of a health check (issue 16, `mailjobs doctor`): what was checked, how it went, what
// was found and how to fix it. Plain data, so a terminal checklist, --json and a web page (the
// dashboard) can all show the same list.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace mj {

struct CheckResult {
    enum class Status { ok, warn, fail };
    std::string name;    // stable id: "database.wal", "cron.alive", ...
    Status status = Status::ok;
    std::string detail;  // what was found, one line
    std::string fix;     // how to fix it, one line; "" when ok
};

inline const char* status_name(CheckResult::Status s) {
    return s == CheckResult::Status::ok ? "ok" : s == CheckResult::Status::warn ? "warn" : "fail";
}

inline nlohmann::json to_json(const CheckResult& c) {
    return {{"name", c.name}, {"status", status_name(c.status)}, {"detail", c.detail}, {"fix", c.fix}};
}

}  // namespace mj
