#include "core/text.h"

#include <cstdarg>
#include <cstdint>
#include <cstdio>

namespace mj {
namespace {

// Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF) with its code point in *cp, or 0 if the bytes there are not one.
size_t utf8_sequence(const unsigned char* p, size_t n, uint32_t* cp) {
    unsigned char b = p[0];
    if (b < 0x80) return *cp = b, 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) len = 3, lo = b == 0xe0 ? 0xa0 : 0x80, hi = b == 0xed ? 0x9f : 0xbf;
    else if (b >= 0xf0 && b <= 0xf4) len = 4, lo = b == 0xf0 ? 0x90 : 0x80, hi = b == 0xf4 ? 0x8f : 0xbf;
    else return 0;
    if (n < len || p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < len; ++i)
        if ((p[i] & 0xc0) != 0x80) return 0;
    uint32_t v = b & (0xff >> (len + 1));
    for (size_t i = 1; i < len; ++i) v = (v << 6) | (p[i] & 0x3f);
    *cp = v;
    return len;
}

// Code points above ASCII that a terminal acts on or that change what the reader sees.
bool risky(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9f)        // C1 controls (0x9b = CSI, 0x9d = OSC)
           || cp == 0x2028 || cp == 0x2029   // line and paragraph separator
           || (cp >= 0x202a && cp <= 0x202e) // bidi embeddings and overrides
           || (cp >= 0x2066 && cp <= 0x2069);// bidi isolates
}

std::string hex_escape(const char* format, unsigned v) {
    char buf[12];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string escape(std::string_view text, bool keep_newline) {
    std::string out;
    out.reserve(text.size());
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    size_t n = text.size();
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c < 0x20 || c == 0x7f) {
            if (c == '\n' && keep_newline) out += '\n';
            else if (c == '\n') out += "\\n";
            else if (c == '\t') out += "\\t";
            else if (c == '\r') out += "\\r";
            else out += hex_escape("\\x%02x", c);
            ++i;
            continue;
        }
        uint32_t cp = 0;
        size_t len = utf8_sequence(p + i, n - i, &cp);
        if (len == 0) {  // not UTF-8: show the byte, go on with the next one
            out += hex_escape("\\x%02x", c);
            ++i;
        } else if (risky(cp)) {
            out += hex_escape("\\u%04x", cp);
            i += len;
        } else {
            out.append(text.data() + i, len);
            i += len;
        }
    }
    return out;
}

// nlohmann escapes C0 controls in strings itself; the rest of what risky() names (and DEL) it
// writes raw. Outside strings JSON text is plain ASCII, so every such character found here is
// inside a string, where \uXXXX means the same character to every JSON parser.
std::string json_safe(std::string dumped) {
    std::string out;
    out.reserve(dumped.size());
    const auto* p = reinterpret_cast<const unsigned char*>(dumped.data());
    size_t n = dumped.size();
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t len = utf8_sequence(p + i, n - i, &cp);
        if (len == 0) len = 1, cp = 0xfffd;  // cannot happen after error_handler_t::replace
        if (cp == 0x7f || risky(cp)) out += hex_escape("\\u%04x", cp);
        else if (cp == 0xfffd && len == 1) out += "\xef\xbf\xbd";
        else out.append(dumped, i, len);
        i += len;
    }
    return out;
}

void write_stdout(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

}  // namespace

bool valid_utf8(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    uint32_t cp;
    for (size_t i = 0, n = text.size(), len; i < n; i += len)
        if ((len = utf8_sequence(p + i, n - i, &cp)) == 0) return false;
    return true;
}

std::string with_invalid_utf8_replaced(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    std::string out;
    out.reserve(text.size() + 8);
    uint32_t cp;
    for (size_t i = 0, n = text.size(); i < n;) {
        const size_t len = utf8_sequence(p + i, n - i, &cp);
        if (len == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD for this one byte; the next byte starts afresh
            ++i;
        } else {
            out.append(text.data() + i, len);
            i += len;
        }
    }
    return out;
}

std::string printable(std::string_view text) { return escape(text, false); }
std::string printable_lines(std::string_view text) { return escape(text, true); }

std::string json_text(const nlohmann::json& j, int indent) {
    return json_safe(j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace));
}
std::string json_text(const nlohmann::ordered_json& j, int indent) {
    return json_safe(j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

void print(const char* format, ...) {
    va_list ap, again;
    va_start(ap, format);
    va_copy(again, ap);
    int size = std::vsnprintf(nullptr, 0, format, ap);
    va_end(ap);
    std::string text(size > 0 ? static_cast<size_t>(size) : 0, '\0');
    if (size > 0) std::vsnprintf(&text[0], text.size() + 1, format, again);
    va_end(again);
    write_stdout(printable_lines(text));
}

void print_json(const nlohmann::json& j) { write_stdout(json_text(j, 2) + "\n"); }
void print_json(const nlohmann::ordered_json& j) { write_stdout(json_text(j, 2) + "\n"); }

}  // namespace mj
