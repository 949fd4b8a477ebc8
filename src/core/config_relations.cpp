// Keys that bound each other, checked at load like every other key (exit 2, nothing runs).
#include <algorithm>
#include <cstdlib>

#include "core/config.h"

namespace mj {
namespace {

std::string where(const Config& c, const std::string& section, const std::string& key) {
    const Value& v = c.value(section, key);
    return v.origin == "default" ? (c.file().empty() ? "defaults" : c.file()) : v.origin;
}

// Integers 1..1000, each once; *out gets them sorted. "" or a one-line reason.
std::string percent_list(const std::vector<std::string>& items, std::vector<int>* out) {
    for (const auto& s : items) {
        char* end = nullptr;
        const long v = std::strtol(s.c_str(), &end, 10);
        if (s.empty() || *end || v < 1 || v > 1000) return "'" + s + "' is not a percentage 1..1000";
        if (std::find(out->begin(), out->end(), v) != out->end()) return "'" + s + "' is listed twice";
        out->push_back(static_cast<int>(v));
    }
    std::sort(out->begin(), out->end());
    return "";
}

}  // namespace

void check_key_relations(const Config& c, std::vector<ConfigProblem>* problems) {
    // bandwidth-rollup: raw rows may be deleted only once no late row can still reach their day,
    // and a week is recomputed from its days, which must all still be there.
    const std::string r = "job.bandwidth-rollup";
    if (c.has(r, "raw_retention")) {
        const int64_t lateness = c.duration(r, "lateness"), raw = c.duration(r, "raw_retention");
        if (raw <= lateness)
            problems->push_back({where(c, r, "raw_retention"), "[" + r + "] raw_retention must be longer than lateness (" +
                                                                   c.str(r, "lateness") + ")"});
        if (c.duration(r, "day_retention") < raw + 7 * 86400)
            problems->push_back({where(c, r, "day_retention"), "[" + r + "] day_retention must be at least raw_retention + 7d"});
    }
    const std::string u = "job.usage-threshold-check";
    if (c.has(u, "thresholds")) {
        std::vector<int> all, mail;
        std::string why = percent_list(c.list(u, "thresholds"), &all);
        if (!why.empty()) problems->push_back({where(c, u, "thresholds"), "[" + u + "] thresholds: " + why});
        why = percent_list(c.list(u, "mail_thresholds"), &mail);
        if (!why.empty()) problems->push_back({where(c, u, "mail_thresholds"), "[" + u + "] mail_thresholds: " + why});
        for (int m : mail)
            if (why.empty() && std::find(all.begin(), all.end(), m) == all.end())
                problems->push_back({where(c, u, "mail_thresholds"), "[" + u + "] mail_thresholds: " + std::to_string(m) +
                                                                           " is not one of thresholds"});
    }
}

}  // namespace mj
