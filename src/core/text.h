// Output of text that came from outside: webhook receivers' answers, SMTP replies, DNS answers,
// rows the web application wrote, values in jobs.ini. It is stored as received (bytes, possibly
// not UTF-8) and made safe here, once, where it leaves the program:
//
// - Plain text (tables, the log's readable lines, "mailjobs: error: ..."): nothing that a terminal
//   acts on gets through. Controls are shown visibly, as C-style escapes: ESC -> \x1b, CR -> \r,
//   BEL -> \x07, DEL -> \x7f, a C1 control (U+0080-U+009F: 0x9b is CSI on some terminals) ->
//   \u009b, the bidirectional overrides and isolates (U+202A-202E, U+2066-2069: they reorder what is
//   shown) and U+2028/2029 -> \u202e etc., and each byte that is not part of valid UTF-8 -> \xff.
//   Printable text, including any valid non-ASCII, is kept as it is.
// - JSON: never fails on bytes. Invalid UTF-8 becomes U+FFFD (nlohmann's error_handler_t::replace);
//   C0 controls are escaped by JSON itself (\u001b), and DEL, C1, the bidi controls and U+2028/2029
//   are written as \uXXXX escapes too, so `--json` piped to a terminal is safe and parses the same.
//
// Every command prints through print()/print_json() (stdout), the logger through printable() and
// json_text(), the CGI through json_text(): the one place output is produced.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace mj {

// One field: every control escaped, newline and tab included (a row stays one line).
std::string printable(std::string_view text);
// A whole block of output: the same, but '\n' is kept (lines are the output's own structure).
std::string printable_lines(std::string_view text);

// JSON text of `j` (indent -1: one line), safe as described above. Never throws on content.
std::string json_text(const nlohmann::json& j, int indent = -1);
std::string json_text(const nlohmann::ordered_json& j, int indent = -1);

// Whether `text` is valid UTF-8 (RFC 3629), and the same text with each byte that is not part of
// valid UTF-8 replaced by U+FFFD (where bytes must become storable text: PostgreSQL's text).
bool valid_utf8(std::string_view text);
std::string with_invalid_utf8_replaced(std::string_view text);

// printf to stdout through printable_lines(): what every command prints.
void print(const char* format, ...) __attribute__((format(printf, 1, 2)));
// json_text(j, 2) and a newline to stdout.
void print_json(const nlohmann::json& j);
void print_json(const nlohmann::ordered_json& j);

}  // namespace mj
