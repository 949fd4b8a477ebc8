// Fuzz target: the CGI request (src/api/cgi_io.cpp): environment + body.
// Input: "NAME=value" lines for the CGI variables mailjobs reads, a blank line, then stdin.
// The same bytes also go through parse_query and bearer_token on their own, and a body that
// read_cgi_request accepts is parsed as JSON the way POST /execute does.
// Invariants: only HttpError (400 or 413) comes out; a body is never longer than
// CONTENT_LENGTH or kMaxBodyBytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/cgi_io.h"

namespace {
const char* const kVars[] = {"REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_LENGTH",
                             "HTTP_AUTHORIZATION", "REDIRECT_HTTP_AUTHORIZATION"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string in(reinterpret_cast<const char*>(data), size);
    for (const char* v : kVars) unsetenv(v);
    size_t split = in.find("\n\n");
    const std::string head = in.substr(0, split);
    const std::string body = split == std::string::npos ? "" : in.substr(split + 2);
    size_t pos = 0;
    while (pos <= head.size()) {
        size_t nl = head.find('\n', pos);
        if (nl == std::string::npos) nl = head.size();
        const std::string line = head.substr(pos, nl - pos);
        pos = nl + 1;
        const size_t eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string name = line.substr(0, eq);
        // putenv with buffers of our own, not setenv: glibc keeps every value setenv was ever
        // given (hundreds of MB over a fuzzing run); these are taken out again by unsetenv above.
        static std::string bufs[sizeof kVars / sizeof *kVars];
        for (size_t k = 0; k < sizeof kVars / sizeof *kVars; ++k)
            if (name == kVars[k] && line.find('\0') == std::string::npos) {
                unsetenv(kVars[k]);
                bufs[k] = line;
                putenv(&bufs[k][0]);
            }
    }

    // stdin is the body (fmemopen refuses a zero-sized buffer: keep one spare byte, unread)
    std::string buf = body + '\0';
    std::FILE* f = fmemopen(&buf[0], body.size() ? body.size() : 1, "r");
    if (!f) std::abort();
    if (body.empty()) std::fgetc(f);
    std::FILE* saved = stdin;
    stdin = f;
    try {
        mj::CgiRequest r = mj::read_cgi_request();
        if (static_cast<int64_t>(r.body.size()) > mj::kMaxBodyBytes) std::abort();
        if (r.body.size() > body.size()) std::abort();
        if (!r.body.empty()) {
            auto j = nlohmann::json::parse(r.body, nullptr, false);
            (void)j;
        }
        mj::bearer_token(r.authorization);
    } catch (const mj::HttpError& e) {
        if (e.status != 400 && e.status != 413) std::abort();
    }
    stdin = saved;
    std::fclose(f);

    try {
        mj::parse_query(in);
    } catch (const mj::HttpError& e) {
        if (e.status != 400) std::abort();
    }
    const std::string token = mj::bearer_token(in);
    if (token.size() > in.size()) std::abort();
    mj::same_secret(token, in);
    return 0;
}
