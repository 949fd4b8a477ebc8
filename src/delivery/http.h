// HTTP through libcurl (static, http/https only): webhook deliveries, operator alert webhooks,
// monitoring pings and file uploads to WebDAV (delivery/upload.h builds PUT, MKCOL and PROPFIND on
// this one layer). One request per call; no connection reuse (a webhook run posts to many hosts).
//
// Decisions:
// - Redirects are not followed. A receiver that answers 3xx gets a permanent failure naming the
//   Location: the payload is signed for the URL the user configured, and following redirects from
//   a user-supplied URL would let it point the service at other hosts.
// - Classification (share/schema.md "delivery_log"): 2xx ok; network errors (refused, unreachable,
//   DNS, TLS) and timeouts, 408, 425, 429 and 5xx are transient (retried on the schedule); 3xx and
//   other 4xx are permanent (the receiver said no; retrying changes nothing); a URL that is not
//   http:// or https:// is permanent before anything is sent. The SMTP rule (4xx transient,
//   5xx permanent) is inverted for HTTP on purpose: HTTP 5xx is the server's temporary trouble.
// - HTTPS verifies the peer with the CA bundle found by find_ca_bundle() ([general] ca_bundle).
// - Users choose webhook URLs, so by default a webhook may not connect to loopback, private,
//   link-local (cloud metadata), CGNAT, multicast or reserved addresses ([http]
//   allow_private_addresses): otherwise a user could make the service POST into the hosting
//   machine or its network and read the answer's start in last_error. The check is made on the
//   address actually connected to, after name resolution, so DNS tricks do not get round it.
//   Operator-configured URLs (alerts, pings) are not restricted.
#pragma once
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "delivery/mail.h"  // SendStatus: one ok/transient/permanent vocabulary for every transport

namespace mj {

struct HttpRequest {
    // POST, GET, HEAD, PUT (the body, or upload_file), or another method sent as is with the body
    // (WebDAV's MKCOL, PROPFIND).
    std::string method = "POST";
    std::string url;
    std::vector<std::string> headers;   // "Name: value"
    std::string body;
    std::string upload_file;            // PUT: send this file as the body, streamed from disk
    std::string username, password;     // HTTP basic auth when username is not empty
    size_t keep_body = 4096;            // bytes of the answer kept in HttpResponse::body
    int64_t connect_timeout_ms = 5000;
    int64_t timeout_ms = 15000;         // whole request
    std::string ca_file;                // "" = the TLS library's built-in default
    bool allow_private_addresses = true;  // false: refuse non-public addresses (permanent failure)
};

struct HttpResponse {
    SendStatus status = SendStatus::transient;
    long code = 0;               // HTTP status; 0 = no answer
    std::string error;           // one line ("" when ok): "HTTP 503: <body excerpt>", "timed out after 5000 ms", ...
    std::string body_excerpt;    // first bytes of the answer, one line (one_line() of mail_transports.h)
    std::string body;            // the answer's first keep_body bytes, as received
    int64_t content_length = -1; // the answer's Content-Length (HEAD included); -1 = none
    int64_t duration_ms = 0;
    bool unreachable = false;    // no answer at all: name not resolved, connection failed, timed out
};

// Sends one request; never throws for network or HTTP failures.
HttpResponse http_send(const HttpRequest& request);

// A request with [http] timeouts and the CA bundle from config.
HttpRequest http_request_from_config(const Config& config);

// "" if `url` is an http:// or https:// URL with a host, else a one-line reason.
std::string http_url_problem(const std::string& url);

// True for an IPv4/IPv6 socket address that is not a public unicast address.
bool is_non_public_address(const struct sockaddr* address);

// ok / transient / permanent for a final HTTP status code (see the header comment).
SendStatus classify_http_status(long code);

}  // namespace mj
