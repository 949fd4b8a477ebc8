// Byte sizes in jobs.ini (disk caps): a whole number of bytes, or one with a binary unit.
//   1048576  512K  500M  2G  1T   (K = 1024 bytes, M = 1024 K, ...; "KiB", "MB" and friends
//   mean the same: an operator who writes 2GB means the cap, not a 7 % difference)
// No fractions and no signs: "1.5G" is written 1536M. Used by KeyType::size.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace mj {

// Parses "500M" into bytes. Rejects empty text, fractions, signs, unknown units ("5X") and values
// past 2^60. On failure returns nullopt and sets *error (when given) to a one-line reason.
std::optional<int64_t> parse_size(const std::string& text, std::string* error);

// The largest exact unit: 524288000 -> "500M", 1000 -> "1000", 0 -> "0".
std::string format_size(int64_t bytes);

}  // namespace mj
