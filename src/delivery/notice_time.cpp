#include "delivery/notice_time.h"

#include <algorithm>
#include <cstdlib>

#include "core/log.h"

namespace mj {
namespace {
const std::string kOpen = "{{mailjobs:sent+";
}

std::string notice_time(int64_t t) { return format_utc(t, "%A %d %B %Y, %H:%M UTC"); }

std::string send_time_token(int64_t after_send, int64_t not_before) {
    return kOpen + std::to_string(after_send) + ">=" + std::to_string(not_before) + "}}";
}

std::string render_send_times(const std::string& text, int64_t sent_at) {
    std::string out;
    size_t pos = 0;
    while (true) {
        size_t at = text.find(kOpen, pos);
        if (at == std::string::npos) break;
        size_t close = text.find("}}", at);
        size_t ge = text.find(">=", at);
        out.append(text, pos, at - pos);
        if (close == std::string::npos || ge == std::string::npos || ge > close) {
            out.append(text, at, kOpen.size());
            pos = at + kOpen.size();
            continue;
        }
        const std::string a = text.substr(at + kOpen.size(), ge - at - kOpen.size());
        const std::string b = text.substr(ge + 2, close - ge - 2);
        char* end_a = nullptr;
        char* end_b = nullptr;
        long long after = std::strtoll(a.c_str(), &end_a, 10), not_before = std::strtoll(b.c_str(), &end_b, 10);
        if (a.empty() || b.empty() || *end_a || *end_b) {
            out.append(text, at, close + 2 - at);
        } else {
            // Minutes are cut, not rounded: "after 11:06" stays true for 11:06:40.
            out += notice_time(std::max<int64_t>(sent_at + after, not_before));
        }
        pos = close + 2;
    }
    out.append(text, pos, std::string::npos);
    return out;
}

}  // namespace mj
