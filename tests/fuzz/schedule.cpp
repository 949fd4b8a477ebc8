// Fuzz target: schedules (Schedule::parse, next_after, next_due, first_due, current_slot,
// stagger) with timezones. Input: byte 0 picks a timezone, bytes 1-4 the instant (within the
// --now range), the rest is the schedule text.
// Invariants: an accepted schedule's next time is strictly after the instant (or INT64_MAX =
// never); for cron nothing matches in between (next_after(next - 1) == next); next_due is in
// the future.
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const char* const zones[] = {"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                                        "Pacific/Chatham", "Asia/Kolkata", "America/Sao_Paulo", "Africa/Casablanca",
                                        "Europe/Dublin", "Pacific/Apia", "Antarctica/Troll", "Not/A_Zone"};
    if (size < 5) return 0;
    const std::string tz = zones[data[0] % (sizeof zones / sizeof *zones)];
    const uint32_t raw = uint32_t(data[1]) << 24 | uint32_t(data[2]) << 16 | uint32_t(data[3]) << 8 | data[4];
    const int64_t now = static_cast<int64_t>(raw) % 4102444800;  // parse_now's window, 1970..2099
    const std::string text(reinterpret_cast<const char*>(data + 5), size - 5);
    std::string error;
    auto s = mj::Schedule::parse(text, &error);
    if (!s) {
        if (error.empty()) std::abort();
        return 0;
    }
    const std::string job = "fuzz-job";
    const int64_t next = s->next_after(now, job, tz);
    if (next <= now) std::abort();
    // Cron: nothing matches between the instant and the next time. (An interval's next_after is
    // plainly after + interval, so this holds for cron only.)
    std::string word;  // the first word, lower case, as Schedule::parse reads it
    for (char c : s->text())
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!word.empty()) break;
        } else {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    const bool interval = word == "every";
    if (!interval && next != INT64_MAX && next - 1 > now && s->next_after(next - 1, job, tz) != next) std::abort();
    const int64_t first = s->first_due(now, job, tz);
    const int64_t slot = s->current_slot(first, now, job);
    const int64_t due = s->next_due(first, now, job, tz);
    if (due <= now) std::abort();
    (void)slot;
    if (s->stagger(job) < 0) std::abort();
    return 0;
}
