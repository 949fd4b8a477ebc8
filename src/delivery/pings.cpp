#include "delivery/pings.h"

#include <openssl/rand.h>

#include <algorithm>
#include <random>

#include "core/log.h"
#include "delivery/http.h"

namespace mj {
namespace {

void send_ping(const Config& config, const std::string& url, const std::string& signal, const std::string& job,
               int64_t run_id, const std::string& body) {
    HttpRequest req = http_request_from_config(config);
    req.url = url;
    req.body = body;
    req.headers = {"Content-Type: text/plain; charset=utf-8"};
    req.timeout_ms = config.duration("alerts", "ping_timeout") * 1000;
    req.connect_timeout_ms = std::min(req.connect_timeout_ms, req.timeout_ms);
    HttpResponse res = http_send(req);
    // The URL holds the check's key: log the signal, never the URL.
    if (res.status != SendStatus::ok)
        logger().log(Level::warn, "ping_failed", {{"signal", signal.empty() ? "success" : signal}, {"error", res.error},
                                                  {"duration_ms", res.duration_ms}}, job, run_id);
    else
        logger().log(Level::debug, "ping_sent", {{"signal", signal.empty() ? "success" : signal}, {"duration_ms", res.duration_ms}}, job, run_id);
}

}  // namespace

std::string random_uuid() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) {  // practically never; fall back rather than fail a ping
        std::random_device rd;
        for (auto& c : b) c = static_cast<unsigned char>(rd());
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += hex[b[i] >> 4];
        out += hex[b[i] & 15];
    }
    return out;
}

std::string ping_signal_url(const std::string& base, const std::string& signal, const std::string& rid) {
    std::string path = base, query;
    auto q = base.find('?');
    if (q != std::string::npos) path = base.substr(0, q), query = base.substr(q + 1);
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (!signal.empty()) path += "/" + signal;
    std::string params = query;
    if (!rid.empty()) params += (params.empty() ? "" : "&") + std::string("rid=") + rid;
    return params.empty() ? path : path + "?" + params;
}

PingRun ping_start(const Config& config, const std::string& job, int64_t run_id) {
    PingRun p;
    p.url = config.str("job." + job, "ping_url");
    if (p.url.empty()) return p;
    p.rid = random_uuid();
    send_ping(config, ping_signal_url(p.url, "start", p.rid), "start", job, run_id,
              "mailjobs " + job + " run " + std::to_string(run_id) + " started\n");
    return p;
}

void ping_end(const Config& config, const PingRun& p, const std::string& job, int64_t run_id, int exit_status,
              const std::string& summary) {
    if (p.url.empty()) return;
    std::string signal = exit_status == 0 ? "" : std::to_string(exit_status);
    send_ping(config, ping_signal_url(p.url, signal, p.rid), signal, job, run_id,
              "mailjobs " + job + " run " + std::to_string(run_id) + ": " + summary + "\n");
}

}  // namespace mj
