#include "core/size.h"

#include <cctype>

namespace mj {

std::optional<int64_t> parse_size(const std::string& text, std::string* error) {
    auto bad = [&](const std::string& why) -> std::optional<int64_t> {
        if (error) *error = why;
        return std::nullopt;
    };
    size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == 0) return bad("expected a size such as 1048576, 500M or 2G, got '" + text + "'");
    if (i > 19) return bad("size '" + text + "' is too large");
    std::string unit = text.substr(i);
    for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (unit.size() == 3 && unit.compare(1, 2, "IB") == 0) unit.resize(1);  // KiB, MiB, ...
    if (unit.size() == 2 && unit[1] == 'B') unit.resize(1);                  // KB, MB, ...
    int shift = 0;
    if (unit.empty() || unit == "B") shift = 0;
    else if (unit == "K") shift = 10;
    else if (unit == "M") shift = 20;
    else if (unit == "G") shift = 30;
    else if (unit == "T") shift = 40;
    else return bad("unknown size unit in '" + text + "' (use K, M, G or T, e.g. 500M)");
    const unsigned long long n = std::stoull(text.substr(0, i));
    if (n > (1ULL << (60 - shift))) return bad("size '" + text + "' is too large");
    return static_cast<int64_t>(n << shift);
}

std::string format_size(int64_t bytes) {
    static const char* const units[] = {"T", "G", "M", "K"};
    for (int k = 0; k < 4; ++k) {
        const int shift = 40 - 10 * k;
        if (bytes > 0 && bytes % (int64_t(1) << shift) == 0) return std::to_string(bytes >> shift) + units[k];
    }
    return std::to_string(bytes);
}

}  // namespace mj
