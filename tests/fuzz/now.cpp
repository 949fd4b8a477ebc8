// Fuzz target: `--now` (parse_now in src/cli/common.cpp).
// Invariants: only mj::Error(kExitUsage) comes out for bad text (no std::stoll exception, no
// CHECK); an accepted instant lies in [1970-01-01, 2100-01-01); its ISO 8601 UTC form and its
// unix-seconds form both parse back to the same instant.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "cli/common.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    int64_t t;
    try {
        t = mj::parse_now(text);
    } catch (const mj::Error& e) {
        if (e.code != mj::kExitUsage) std::abort();
        return 0;
    }
    if (t < 0 || t >= 4102444800) std::abort();
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char iso[32];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (mj::parse_now(iso) != t) std::abort();
    if (mj::parse_now(std::to_string(t)) != t) std::abort();
    return 0;
}
