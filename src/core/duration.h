// Durations in jobs.ini and on the command line: an integer and a unit, exactly.
//   45s  15m  6h  30d  2w   (s, m, h, d, w; "0" alone is rejected where a positive value is needed)
// Seed 000's parser rounded "6h" up to a whole day; this one never rounds: 6h == 21600 seconds.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace mj {

// Parses "30d" into seconds. Rejects empty text, missing or unknown unit ("30x"), signs ("-5d"),
// zero, and values that overflow. On failure returns nullopt and sets *error to a one-line reason.
std::optional<int64_t> parse_duration(const std::string& text, std::string* error);

// The same in milliseconds, for sub-second keys (general.max_transaction): "200ms", or any
// duration above ("1s" = 1000). Rejects what parse_duration rejects.
std::optional<int64_t> parse_duration_ms(const std::string& text, std::string* error);

// Formats seconds in the largest exact unit: 21600 -> "6h", 90 -> "90s", 2592000 -> "30d".
std::string format_duration(int64_t seconds);

}  // namespace mj
