#include "core/duration.h"

#include <cctype>
#include <climits>

namespace mj {

std::optional<int64_t> parse_duration(const std::string& text, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<int64_t> {
        if (error) *error = why;
        return std::nullopt;
    };
    if (text.empty()) return fail("empty duration (use e.g. 45s, 15m, 6h, 30d)");
    size_t i = 0;
    int64_t value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        if (value > (INT64_MAX - 9) / 10) return fail("duration '" + text + "' is too large");
        value = value * 10 + (text[i] - '0');
        ++i;
    }
    if (i == 0) return fail("bad duration '" + text + "': expected a whole number and a unit (s, m, h, d, w)");
    if (i == text.size() && value == 0) return fail("bad duration '" + text + "': must be greater than zero");
    if (i == text.size()) return fail("bad duration '" + text + "': missing unit (s, m, h, d, w)");
    if (i + 1 != text.size()) return fail("bad duration '" + text + "': expected a single unit letter (s, m, h, d, w)");
    int64_t unit = 0;
    switch (text[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: return fail("bad duration '" + text + "': unknown unit '" + text.substr(i) + "' (s, m, h, d, w)");
    }
    if (value == 0) return fail("bad duration '" + text + "': must be greater than zero");
    if (value > INT64_MAX / unit) return fail("duration '" + text + "' is too large");
    return value * unit;
}

std::optional<int64_t> parse_duration_ms(const std::string& text, std::string* error) {
    if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0) {
        auto seconds = parse_duration(text.substr(0, text.size() - 2) + "s", error);  // same digits rules
        if (!seconds && error) *error = "bad duration '" + text + "': expected a whole number of ms, e.g. 200ms";
        return seconds;
    }
    auto seconds = parse_duration(text, error);
    if (!seconds) return seconds;
    if (*seconds > INT64_MAX / 1000) {
        if (error) *error = "duration '" + text + "' is too large";
        return std::nullopt;
    }
    return *seconds * 1000;
}

std::string format_duration(int64_t seconds) {
    static const struct { int64_t size; char unit; } units[] = {
        {86400, 'd'}, {3600, 'h'}, {60, 'm'}};
    if (seconds <= 0) return std::to_string(seconds) + "s";
    for (const auto& u : units)
        if (seconds % u.size == 0) return std::to_string(seconds / u.size) + u.unit;
    return std::to_string(seconds) + "s";
}

}  // namespace mj
