#include "jobs/disk_cap.h"

namespace mj {

std::vector<std::string> over_cap(const std::vector<CappedFile>& oldest_first, int64_t cap) {
    std::vector<std::string> out;
    if (cap <= 0 || oldest_first.empty()) return out;
    int64_t total = 0;
    for (const auto& f : oldest_first) total += f.bytes;
    for (size_t i = 0; i + 1 < oldest_first.size() && total > cap; ++i) {
        if (!oldest_first[i].removable) continue;
        out.push_back(oldest_first[i].name);
        total -= oldest_first[i].bytes;
    }
    return out;
}

}  // namespace mj
