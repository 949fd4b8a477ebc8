// Fuzz target: durations (parse_duration, parse_duration_ms, format_duration).
// Invariants: an accepted duration is positive; format_duration of it parses back to the same
// number of seconds; the millisecond form of a duration is 1000 times it; no exception escapes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string error;
    auto s = mj::parse_duration(text, &error);
    if (s) {
        if (*s <= 0) std::abort();
        std::string e2;
        auto back = mj::parse_duration(mj::format_duration(*s), &e2);
        if (!back || *back != *s) std::abort();
    } else if (error.empty()) {
        std::abort();  // every refusal says why
    }
    std::string em;
    auto ms = mj::parse_duration_ms(text, &em);
    if (ms && *ms <= 0) std::abort();
    if (s && ms && *ms != *s * 1000) std::abort();
    if (!ms && em.empty()) std::abort();
    return 0;
}
