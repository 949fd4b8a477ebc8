#include "delivery/retry_schedule.h"

#include <stdexcept>

#include "core/duration.h"

namespace mj {

std::vector<int64_t> parse_retry_schedule(const std::vector<std::string>& items, const std::string& what) {
    if (items.empty()) throw std::runtime_error(what + " is empty: give at least one delay, e.g. 1m, 5m");
    std::vector<int64_t> out;
    for (const auto& item : items) {
        std::string err;
        auto d = parse_duration(item, &err);
        if (!d) throw std::runtime_error(what + ": bad delay '" + item + "': " + err);
        out.push_back(*d);
    }
    return out;
}

std::optional<int64_t> retry_delay(const std::vector<int64_t>& schedule, int64_t attempt) {
    if (attempt < 1 || attempt > static_cast<int64_t>(schedule.size())) return std::nullopt;
    return schedule[static_cast<size_t>(attempt - 1)];
}

}  // namespace mj
