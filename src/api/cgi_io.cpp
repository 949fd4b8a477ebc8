#include "api/cgi_io.h"

#include "core/text.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mj {
namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::string percent_decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%') {
            int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
            int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) throw HttpError(400, "bad %-escape in the query string");
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

std::map<std::string, std::string> parse_query(const std::string& query) {
    std::map<std::string, std::string> out;
    size_t start = 0;
    while (start < query.size()) {
        size_t amp = query.find('&', start);
        if (amp == std::string::npos) amp = query.size();
        std::string part = query.substr(start, amp - start);
        start = amp + 1;
        if (part.empty()) continue;
        size_t eq = part.find('=');
        std::string name = percent_decode(part.substr(0, eq));
        std::string value = eq == std::string::npos ? "" : percent_decode(part.substr(eq + 1));
        if (out.count(name)) throw HttpError(400, "query parameter '" + name + "' given twice");
        out[name] = value;
    }
    return out;
}

CgiRequest read_cgi_request() {
    CgiRequest r;
    r.method = env("REQUEST_METHOD");
    r.path = env("PATH_INFO");
    while (r.path.size() > 1 && r.path.back() == '/') r.path.pop_back();
    if (r.path == "/") r.path.clear();
    r.authorization = env("HTTP_AUTHORIZATION");
    // Apache's RewriteRule [E=HTTP_AUTHORIZATION:...] arrives with REDIRECT_ after an internal redirect.
    if (r.authorization.empty()) r.authorization = env("REDIRECT_HTTP_AUTHORIZATION");
    r.cookie = env("HTTP_COOKIE");
    r.script_name = env("SCRIPT_NAME");
    r.query = parse_query(env("QUERY_STRING"));
    std::string length = env("CONTENT_LENGTH");
    if (!length.empty()) {
        if (length.find_first_not_of("0123456789") != std::string::npos) throw HttpError(400, "bad Content-Length");
        // Well-formed but huge is "too large" (413), whatever its number of digits.
        size_t first = length.find_first_not_of('0');
        std::string digits = first == std::string::npos ? "0" : length.substr(first);
        int64_t n = digits.size() > 18 ? kMaxBodyBytes + 1 : std::stoll(digits);
        if (n > kMaxBodyBytes)
            throw HttpError(413, "request body too large (" + length + " bytes; at most " + std::to_string(kMaxBodyBytes) + ")");
        r.body.resize(static_cast<size_t>(n));
        size_t got = n ? std::fread(&r.body[0], 1, r.body.size(), stdin) : 0;
        r.body.resize(got);
    }
    return r;
}

bool is_cgi_invocation(const std::vector<std::string>& args, const char* gateway_interface, const char* query_string) {
    if (!gateway_interface || !*gateway_interface) return false;
    if (args.empty()) return true;
    std::string q = query_string ? query_string : "";
    if (q.empty() || q.find('=') != std::string::npos) return false;  // only an ISINDEX query becomes argv
    std::vector<std::string> words;
    try {
        size_t start = 0;
        while (true) {
            size_t plus = q.find('+', start);
            words.push_back(percent_decode(q.substr(start, plus == std::string::npos ? std::string::npos : plus - start)));
            if (plus == std::string::npos) break;
            start = plus + 1;
        }
    } catch (const HttpError&) {
        return false;  // a server would not have passed what it could not decode
    }
    return words == args;
}

nlohmann::json parse_json_body(const std::string& body) {
    using Event = nlohmann::json::parse_event_t;
    std::vector<std::vector<std::string>> keys;  // the keys seen so far, per open object
    auto check = [&](int, Event event, nlohmann::json& parsed) {
        if (event == Event::object_start) keys.emplace_back();
        else if (event == Event::object_end) keys.pop_back();
        else if (event == Event::key) {
            const std::string& k = parsed.get_ref<const std::string&>();
            for (const auto& seen : keys.back())
                if (seen == k) throw HttpError(400, "bad JSON body: key '" + k + "' given twice");
            keys.back().push_back(k);
        }
        return true;
    };
    try {
        return nlohmann::json::parse(body, check);
    } catch (const nlohmann::json::parse_error& e) {
        throw HttpError(400, std::string("bad JSON body: ") + e.what());
    }
}

const char* status_text(int status) {
    switch (status) {
        case 200: return "OK";
        case 204: return "No Content";
        case 303: return "See Other";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 413: return "Payload Too Large";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
    }
    return "Error";
}

void write_json_response(int status, const nlohmann::json& body, const Headers& headers, bool with_body) {
    const std::string text = json_text(body, 2) + "\n";  // issue 11.4: never fails on bytes, no raw controls
    std::string out = "Status: " + std::to_string(status) + " " + status_text(status) + "\r\n" +
                      "Content-Type: application/json\r\n"
                      "Content-Length: " + std::to_string(text.size()) + "\r\n"
                      "Cache-Control: no-store\r\n"
                      "X-Content-Type-Options: nosniff\r\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    if (with_body) out += text;
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
}

void write_response(int status, const std::string& content_type, const std::string& body, const Headers& headers, bool with_body) {
    std::string out = "Status: " + std::to_string(status) + " " + status_text(status) + "\r\n" +
                      "Content-Type: " + content_type + "\r\n"
                      "Content-Length: " + std::to_string(body.size()) + "\r\n"
                      "Cache-Control: no-store\r\n"
                      "X-Content-Type-Options: nosniff\r\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    if (with_body) out += body;
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
}

void write_no_content_response(const Headers& headers) {
    std::string out = "Status: 204 No Content\r\nCache-Control: no-store\r\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
}

std::string bearer_token(const std::string& h) {
    size_t i = 0;
    while (i < h.size() && h[i] == ' ') ++i;
    if (h.size() < i + 7 || strncasecmp(h.c_str() + i, "bearer ", 7) != 0) return "";
    std::string t = h.substr(i + 7);
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && (t.back() == ' ' || t.back() == '\r' || t.back() == '\n')) t.pop_back();
    return t;
}

bool same_secret(const std::string& a, const std::string& b) {
    unsigned char da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
    SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
    return CRYPTO_memcmp(da, db, sizeof da) == 0;
}

}  // namespace mj
