// CGI plumbing (RFC 3875): the request from the environment and stdin, the response on stdout,
// and the bearer-token check. Knows nothing of cleanup or jobs.
#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mj {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A request that ends in an error response: status, one-line message, extra headers.
struct HttpError : std::runtime_error {
    HttpError(int status, const std::string& message, Headers headers = {})
        : std::runtime_error(message), status(status), headers(std::move(headers)) {}
    int status;
    Headers headers;
};

constexpr int64_t kMaxBodyBytes = 64 * 1024;  // execute's body is a few dozen bytes

struct CgiRequest {
    std::string method;                          // REQUEST_METHOD
    std::string path;                            // PATH_INFO without a trailing slash; "" = the script itself
    std::map<std::string, std::string> query;    // QUERY_STRING, percent-decoded
    std::string body;                            // CONTENT_LENGTH bytes of stdin
    std::string authorization;                   // HTTP_AUTHORIZATION (or Apache's REDIRECT_ copy)
    std::string cookie;                          // HTTP_COOKIE (the dashboard's session)
    std::string script_name;                     // SCRIPT_NAME: the dashboard's links start with it
};

// Reads the request. A repeated or malformed query parameter is HttpError(400); a body larger
// than kMaxBodyBytes is HttpError(413) and is not read (also a Content-Length of any number of
// digits: 13 digits is too large, not malformed); a Content-Length that is not digits is 400.
CgiRequest read_cgi_request();

// Whether this process was started by a web server as a CGI program, not from a shell that
// happens to have GATEWAY_INTERFACE in its environment (a parent CGI script, a panel's terminal).
// RFC 3875: the server sets GATEWAY_INTERFACE and runs the script with no arguments beyond
// argv[0], except for an ISINDEX query (QUERY_STRING without an unencoded '='), whose '+'-separated,
// %-decoded search words it may pass as arguments (section 4.4). So: CGI only when
// GATEWAY_INTERFACE is set and non-empty AND `args` (argv without argv[0]) is empty or is exactly
// those search words. `mailjobs run JOB` with GATEWAY_INTERFACE inherited is a command line.
bool is_cgi_invocation(const std::vector<std::string>& args, const char* gateway_interface, const char* query_string);

// A JSON request body: nlohmann's parser, plus a check that no object repeats a key (the parser
// keeps the last one silently; a repeated query parameter is refused too). HttpError(400) for
// either, with the reason.
nlohmann::json parse_json_body(const std::string& body);

// "a=1&b=x%20y" -> {a:1, b:"x y"}; HttpError(400) for a repeated name or a bad %-escape.
std::map<std::string, std::string> parse_query(const std::string& query);

// Writes one response: Status line, Content-Type: application/json, Content-Length, no caching,
// `headers`, body. with_body = false (HEAD): the same status and headers, Content-Length included,
// and no body.
void write_json_response(int status, const nlohmann::json& body, const Headers& headers = {}, bool with_body = true);
// Any other response (the dashboard's HTML, its redirects): Status, Content-Type, Content-Length,
// Cache-Control: no-store, nosniff, `headers`, then `body` unless with_body is false (HEAD).
void write_response(int status, const std::string& content_type, const std::string& body, const Headers& headers, bool with_body);
// 204 No Content with `headers` (OPTIONS: Allow).
void write_no_content_response(const Headers& headers);

const char* status_text(int status);

// The token of "Bearer <token>" (scheme case-insensitive), or "" if the header is not one.
std::string bearer_token(const std::string& authorization);

// Compares two secrets in time independent of where they differ and of their lengths (both are
// hashed with SHA-256 first, then compared with CRYPTO_memcmp).
bool same_secret(const std::string& a, const std::string& b);

}  // namespace mj
