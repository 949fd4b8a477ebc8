#include "delivery/http.h"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>

#include "delivery/ca_bundle.h"
#include "delivery/mail_transports.h"  // one_line

#ifndef MAILJOBS_VERSION
#define MAILJOBS_VERSION "dev"
#endif

namespace mj {
namespace {

// Keep only the start of the answer: enough for an error message, bounded memory whatever the
// receiver sends back.
constexpr size_t kKeepBytes = 4096;

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* out = static_cast<std::string*>(user);
    size_t len = size * n;
    if (out->size() < kKeepBytes) out->append(data, std::min(len, kKeepBytes - out->size()));
    return len;
}

// Called by libcurl for every connection it opens; refuses non-public addresses when asked to.
struct SocketGuard {
    bool allow_private = true;
    std::string refused;  // the address we refused, for the error message
};

curl_socket_t open_socket(void* user, curlsocktype, curl_sockaddr* a) {
    auto* g = static_cast<SocketGuard*>(user);
    if (!g->allow_private && is_non_public_address(&a->addr)) {
        char text[INET6_ADDRSTRLEN] = "?";
        if (a->family == AF_INET) inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&a->addr)->sin_addr, text, sizeof text);
        if (a->family == AF_INET6) inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&a->addr)->sin6_addr, text, sizeof text);
        g->refused = text;
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

bool v4_non_public(uint32_t ip) {  // host byte order
    auto in = [ip](uint32_t net, int bits) { return (ip >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x00000000, 8) || in(0x0a000000, 8) || in(0x64400000, 10) || in(0x7f000000, 8) || in(0xa9fe0000, 16) ||
           in(0xac100000, 12) || in(0xc0000000, 24) || in(0xc0a80000, 16) || in(0xc6120000, 15) || in(0xe0000000, 4) ||
           in(0xf0000000, 4);
}

}  // namespace

bool is_non_public_address(const sockaddr* a) {
    if (a->sa_family == AF_INET) return v4_non_public(ntohl(reinterpret_cast<const sockaddr_in*>(a)->sin_addr.s_addr));
    if (a->sa_family != AF_INET6) return true;
    const auto* b = reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr.s6_addr;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, mapped, 12) == 0)  // ::ffff:a.b.c.d
        return v4_non_public(static_cast<uint32_t>(b[12]) << 24 | b[13] << 16 | b[14] << 8 | b[15]);
    bool zero_prefix = std::all_of(b, b + 15, [](unsigned char c) { return c == 0; });
    if (zero_prefix && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
    return (b[0] & 0xfe) == 0xfc ||                 // fc00::/7 unique local
           (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||  // fe80::/10 link-local
           b[0] == 0xff;                              // multicast
}

namespace {

std::string curl_error(CURLcode rc, const char* detail, int64_t timeout_ms) {
    if (rc == CURLE_OPERATION_TIMEDOUT) return "timed out after " + std::to_string(timeout_ms) + " ms";
    std::string msg = curl_easy_strerror(rc), more = detail ? one_line(detail) : "";
    if (more.empty()) return msg;
    // libcurl's detail usually repeats the summary ("Failed to connect to ... : Couldn't connect to server")
    return more.find(msg) != std::string::npos ? more : msg + ": " + more;
}

}  // namespace

std::string http_url_problem(const std::string& url) {
    auto scheme_end = url.find("://");
    std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "http" && scheme != "https")
        return "URL '" + one_line(url, 100) + "' is not http:// or https://";
    if (url.size() == scheme_end + 3 || url[scheme_end + 3] == '/')
        return "URL '" + one_line(url, 100) + "' has no host";
    return "";
}

SendStatus classify_http_status(long code) {
    if (code >= 200 && code < 300) return SendStatus::ok;
    if (code == 408 || code == 425 || code == 429 || code >= 500) return SendStatus::transient;
    return SendStatus::permanent;  // 1xx as final, 3xx (not followed), other 4xx
}

HttpRequest http_request_from_config(const Config& config) {
    HttpRequest r;
    r.connect_timeout_ms = config.duration("http", "connect_timeout") * 1000;
    r.timeout_ms = config.duration("http", "timeout") * 1000;
    r.ca_file = find_ca_bundle(config);
    return r;
}

HttpResponse http_send(const HttpRequest& req) {
    HttpResponse res;
    auto t0 = std::chrono::steady_clock::now();
    auto finish = [&]() -> HttpResponse {
        res.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
        return res;
    };
    if (std::string problem = http_url_problem(req.url); !problem.empty()) {
        res.status = SendStatus::permanent;
        res.error = problem;
        return finish();
    }
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) {
        res.error = "cannot initialise libcurl";
        return finish();
    }
    CURL* c = curl.get();
    char errbuf[CURL_ERROR_SIZE] = {};
    std::string body;
    curl_slist* headers = nullptr;
    for (const auto& h : req.headers) headers = curl_slist_append(headers, h.c_str());
    // libcurl sends "Expect: 100-continue" for bodies over 1 kB and waits up to a second for the
    // interim answer many small receivers never send; switch it off.
    headers = curl_slist_append(headers, "Expect:");
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_guard(headers, curl_slist_free_all);

    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // never SIGALRM: that signal is our stop request
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout_ms));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout_ms));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "mailjobs/" MAILJOBS_VERSION);
    if (!req.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, req.ca_file.c_str());
    SocketGuard guard;
    guard.allow_private = req.allow_private_addresses;
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &guard);
    if (req.method == "POST") {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }

    CURLcode rc = curl_easy_perform(c);
    res.body_excerpt = one_line(body, 200);
    if (rc != CURLE_OK && !guard.refused.empty()) {
        res.status = SendStatus::permanent;
        res.error = "address " + guard.refused + " is not a public address; not posted ([http] allow_private_addresses)";
        return finish();
    }
    if (rc != CURLE_OK) {
        // Refused, unreachable, DNS, TLS, timeouts: the receiver may be back later. The retry
        // schedule is finite, so a host that never comes back still ends permanently failed.
        res.status = rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT ? SendStatus::permanent : SendStatus::transient;
        res.error = curl_error(rc, errbuf, req.timeout_ms);
        res.unreachable = rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT;
        return finish();
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res.code);
    res.status = classify_http_status(res.code);
    if (res.status != SendStatus::ok) {
        res.error = "HTTP " + std::to_string(res.code);
        if (res.code >= 300 && res.code < 400) {
            char* location = nullptr;
            curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
            res.error += ": redirect to " + one_line(location ? location : "?", 100) + " not followed (configure the final URL)";
        } else if (!res.body_excerpt.empty()) {
            res.error += ": " + res.body_excerpt;
        }
    }
    return finish();
}

}  // namespace mj
