#include "delivery/mail_message.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <random>

namespace mj {
namespace {

bool is_ascii(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

std::string no_crlf(const std::string& s) {
    std::string out;
    for (char c : s) out += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
    return out;
}

std::string base64(const std::string& in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += t[v >> 18 & 63]; out += t[v >> 12 & 63]; out += t[v >> 6 & 63]; out += t[v & 63];
    }
    if (i + 1 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16;
        out += t[v >> 18 & 63]; out += t[v >> 12 & 63]; out += "==";
    } else if (i + 2 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += t[v >> 18 & 63]; out += t[v >> 12 & 63]; out += t[v >> 6 & 63]; out += '=';
    }
    return out;
}

// RFC 2047 encoded words of at most 45 input bytes each (75 characters encoded), never splitting
// a UTF-8 sequence, separated by folding whitespace.
std::string encode_words(const std::string& s) {
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        size_t n = std::min<size_t>(45, s.size() - i);
        size_t cut = n;  // back off to the start of a UTF-8 sequence...
        while (cut > 0 && i + cut < s.size() && (static_cast<unsigned char>(s[i + cut]) & 0xC0) == 0x80) --cut;
        // ...unless there is none in 45 bytes (not UTF-8, e.g. a hostile Subject): split anywhere.
        // (Backing off past 0 wrapped n around and looped forever: found by tests/fuzz/mail.)
        if (cut > 0) n = cut;
        if (!out.empty()) out += "\n ";
        out += "=?UTF-8?B?" + base64(s.substr(i, n)) + "?=";
        i += n;
    }
    return out;
}

std::string header_text(const std::string& s) {
    std::string clean = no_crlf(s);
    return is_ascii(clean) ? clean : encode_words(clean);
}

// Quoted-printable (RFC 2045) with LF hard line breaks and soft breaks before 76 characters.
std::string quoted_printable(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out, line;
    auto flush_soft = [&] { out += line + "=\n"; line.clear(); };
    for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = text[i];
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        if (c == '\n') {
            if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
                char last = line.back();
                line.pop_back();
                line += std::string("=") + hex[last >> 4] + hex[last & 15];
            }
            out += line + "\n";
            line.clear();
            continue;
        }
        std::string enc;
        if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') enc = std::string(1, static_cast<char>(c));
        else enc = std::string("=") + hex[c >> 4] + hex[c & 15];
        if (line.empty() && c == '.') enc = "=2E";  // a lone "." line never ends a message
        if (line.size() + enc.size() > 75) flush_soft();
        line += enc;
    }
    if (!line.empty()) {
        if (line.back() == ' ' || line.back() == '\t') line += "=\n";
        out += line;
    }
    return out;
}

std::string random_hex(size_t bytes) {
    static std::mt19937_64 rng{std::random_device{}()};
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < bytes; ++i) {
        unsigned v = rng() & 0xff;
        out += hex[v >> 4];
        out += hex[v & 15];
    }
    return out;
}

}  // namespace

std::string rfc5322_date(int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                  tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string format_mailbox(const Mailbox& m) {
    std::string name = no_crlf(m.name);
    std::string addr = "<" + no_crlf(m.address) + ">";
    if (name.empty()) return addr;
    if (!is_ascii(name)) return encode_words(name) + " " + addr;
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\" " + addr;
}

size_t encoded_body_size(const std::string& text) { return quoted_printable(text).size(); }

std::string new_message_id(const std::string& from_address, int64_t date) {
    std::string domain = from_address.substr(from_address.rfind('@') + 1);
    return "<" + std::to_string(date) + "." + random_hex(8) + "@" + no_crlf(domain) + ">";
}

std::string build_message(const OutgoingMail& m) {
    std::string id = m.message_id.empty() ? new_message_id(m.from.address, m.date) : m.message_id;
    std::string h;
    h += "From: " + format_mailbox(m.from) + "\n";
    h += "To: " + format_mailbox(m.to) + "\n";
    h += "Subject: " + header_text(m.subject) + "\n";
    h += "Date: " + rfc5322_date(m.date) + "\n";
    h += "Message-ID: " + no_crlf(id) + "\n";
    h += "MIME-Version: 1.0\n";
    h += "Auto-Submitted: auto-generated\n";  // RFC 3834: auto-responders must not answer
    for (const auto& [k, v] : m.extra_headers) h += no_crlf(k) + ": " + header_text(v) + "\n";
    auto qp = [](const std::string& text) {
        std::string out = quoted_printable(text);
        return out.empty() || out.back() != '\n' ? out + "\n" : out;
    };
    const std::string text_part = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + qp(m.body);
    if (m.body_html.empty()) return h + text_part;
    std::string boundary = "=_mailjobs_" + random_hex(12);
    return h + "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\n\n" + "--" + boundary + "\n" + text_part +
           "--" + boundary + "\n" + "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" +
           qp(m.body_html) + "--" + boundary + "--\n";
}

std::string header_value(const std::string& raw, const std::string& name) {
    size_t pos = 0, limit = std::min<size_t>(raw.size(), 256 * 1024);
    std::string value;
    bool in_match = false;
    while (pos < limit) {
        size_t eol = raw.find('\n', pos);
        if (eol == std::string::npos) eol = raw.size();
        std::string line = raw.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        pos = eol + 1;
        if (line.empty()) break;  // end of the header block
        if (line[0] == ' ' || line[0] == '\t') {
            size_t start = line.find_first_not_of(" \t");
            if (in_match && start != std::string::npos) value += " " + line.substr(start);
            continue;
        }
        if (in_match) break;
        auto colon = line.find(':');
        if (colon == std::string::npos || colon != name.size()) continue;
        bool same = true;
        for (size_t i = 0; i < colon && same; ++i)
            same = std::tolower(static_cast<unsigned char>(line[i])) == std::tolower(static_cast<unsigned char>(name[i]));
        if (!same) continue;
        in_match = true;
        size_t start = line.find_first_not_of(" \t", colon + 1);
        value = start == std::string::npos ? "" : line.substr(start);
    }
    return value;
}

}  // namespace mj
