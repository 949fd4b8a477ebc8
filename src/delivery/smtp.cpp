// The smtp / smtps transports through libcurl (static, out/third_party).
//
// One CURL easy handle lives for the batch: libcurl keeps the connection open between
// curl_easy_perform() calls and sends the next MAIL FROM on it, so a batch of N messages costs one
// TCP + TLS + AUTH handshake instead of N (bench/delivery.bench.sh measures both; [mail]
// smtp_reuse_connection = false forces a new connection per message). close() ends it with QUIT.
//
// smtp: plain connection, STARTTLS per [mail] smtp_starttls (required | opportunistic | off);
// smtps: implicit TLS (port 465). Certificates are checked against find_ca_bundle().
//
// Classification (SendResult): the server's reply code decides where there is one: 4xx transient,
// 5xx permanent, except the reply codes about the session rather than the message (421 closing,
// 530 STARTTLS or AUTH required, 534/535/538 authentication), which are transient and transport_down like
// connection refused, DNS, timeouts and TLS failures: the operator fixes the configuration and the
// queued mail goes out on a later run instead of being failed for good.
//
// Timeouts (issue 12.1, measured with smtp_server.py "data_reply_delay"/"stall"): CURLOPT_TIMEOUT
// did bound curl_easy_perform (a 2 s timeout returned after 2000 ms, also on a reused handle), but
// libcurl's smtp_done() reports a timeout at the end of DATA without marking the connection for
// closing. The connection stayed cached; curl_easy_cleanup() then sent QUIT on it and waited for
// an answer with CURLOPT_SERVER_RESPONSE_TIMEOUT (default 120 s, CURLOPT_TIMEOUT does not apply
// while disconnecting): 10 s + 120 s against a silent server, and until the late "250" (read as
// the answer to QUIT) against a slow one; a next message on that connection would have read the
// late reply as its own. So: every reply wait is bounded by [mail] timeout
// (SERVER_RESPONSE_TIMEOUT), and after a failure without an SMTP reply (timeout, connection lost)
// the connection is dropped at once (socket shut down, so no QUIT is waited for) and the next
// message opens a new one.
#include <curl/curl.h>
#include <sys/socket.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "core/error.h"
#include "core/lease.h"
#include "delivery/ca_bundle.h"
#include "delivery/mail_transports.h"

namespace mj {
namespace {

struct Upload {
    const std::string* data;
    size_t offset = 0;  // == data->size(): libcurl has the whole message (it stops reading at INFILESIZE)
};

size_t read_upload(char* buf, size_t size, size_t n, void* user) {
    auto* u = static_cast<Upload*>(user);
    size_t len = std::min(size * n, u->data->size() - u->offset);
    std::memcpy(buf, u->data->data() + u->offset, len);
    u->offset += len;
    return len;
}

// Keeps the server's reply lines of the current message, for the error text ("550 5.1.1 <x>:
// user unknown"); libcurl reports only the code.
int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
    auto* lines = static_cast<std::vector<std::string>*>(user);
    if (type == CURLINFO_HEADER_IN && lines->size() < 64) {
        std::string line(data, size);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        lines->push_back(line);
    }
    return 0;
}

// CRLF line ends, as SMTP requires (libcurl's CURLOPT_CRLF would double existing CRs).
std::string to_crlf(const std::string& data) {
    std::string out;
    out.reserve(data.size() + data.size() / 40);
    for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) out += '\r';
        out += data[i];
    }
    return out;
}

bool session_level(CURLcode rc) {
    switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY: case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT: case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_USE_SSL_FAILED: case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_CERTPROBLEM:
        case CURLE_LOGIN_DENIED: case CURLE_GOT_NOTHING: case CURLE_RECV_ERROR: case CURLE_SEND_ERROR:
        case CURLE_SSL_ISSUER_ERROR: case CURLE_SSL_CRL_BADFILE:
            return true;
        default:
            return false;
    }
}

class SmtpTransport : public MailTransport {
public:
    SmtpTransport(const Config& c, int64_t max_bytes, bool implicit_tls) : MailTransport(max_bytes), implicit_tls_(implicit_tls) {
        static const bool global = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
        (void)global;
        host_ = c.str("mail", "smtp_host");
        if (host_.empty()) throw Error(kExitUsage, "[mail] transport = " + std::string(name()) + " needs smtp_host");
        int64_t port = c.integer("mail", "smtp_port");
        if (port == 0) port = implicit_tls ? 465 : 587;
        std::string h = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
        // The URL's path is the name libcurl says in EHLO; this machine's name, not "localhost".
        url_ = std::string(implicit_tls ? "smtps://" : "smtp://") + h + ":" + std::to_string(port) + "/" + Lease::host();
        username_ = c.str("mail", "smtp_username");
        password_ = c.str("mail", "smtp_password");
        std::string pw_file = c.path("mail", "smtp_password_file");
        if (!pw_file.empty()) {
            std::ifstream in(pw_file);
            if (!in) throw Error(kExitUsage, "[mail] smtp_password_file: cannot read " + pw_file);
            std::getline(in, password_);
            while (!password_.empty() && (password_.back() == '\r' || password_.back() == ' ')) password_.pop_back();
        }
        starttls_ = c.str("mail", "smtp_starttls");
        connect_timeout_ = c.duration("mail", "connect_timeout");
        timeout_ = c.duration("mail", "timeout");
        reuse_ = c.boolean("mail", "smtp_reuse_connection");
        ca_bundle_ = find_ca_bundle(c);
    }
    ~SmtpTransport() override { close(); }
    const char* name() const override { return implicit_tls_ ? "smtps" : "smtp"; }

    void close() override {
        // QUIT on a connection still open, its answer awaited at most [mail] timeout; without that
        // much budget left the connection is dropped instead (the server treats it like a QUIT).
        if (curl_ && !fits_in_budget()) drop_socket();
        if (curl_) curl_easy_cleanup(curl_);
        curl_ = nullptr;
    }

protected:
    SendResult deliver(const MailMessage& m) override {
        if (!curl_ && !open()) return {SendStatus::transient, 0, "cannot initialise libcurl", true};
        std::string data = to_crlf(m.data);
        Upload up{&data};
        curl_slist* rcpt = nullptr;
        for (const auto& to : m.to) rcpt = curl_slist_append(rcpt, ("<" + to + ">").c_str());
        std::string from = "<" + m.from + ">";
        curl_easy_setopt(curl_, CURLOPT_MAIL_FROM, from.c_str());
        curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(curl_, CURLOPT_READDATA, &up);
        curl_easy_setopt(curl_, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
        errbuf_[0] = 0;
        replies_.clear();
        CURLcode rc = curl_easy_perform(curl_);
        long code = 0;
        curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, nullptr);
        curl_slist_free_all(rcpt);
        if (rc == CURLE_OK) return {SendStatus::ok, static_cast<int>(code), ""};
        // The last reply is the final answer only when it is an error reply; a 354 (or 250 to
        // RCPT) as last reply means the answer about the message never came.
        bool answered = code >= 400;
        SendResult r = classify(rc, static_cast<int>(code), !answered && up.offset == data.size());
        if (!answered) {  // no answer: what the server will say next is unknown; never reuse this connection
            drop_socket();
            curl_easy_cleanup(curl_);
            curl_ = nullptr;
        }
        return r;
    }

private:
    bool open() {
        curl_ = curl_easy_init();
        if (!curl_) return false;
        curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
        curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl_, CURLOPT_READFUNCTION, read_upload);
        curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf_);
        curl_easy_setopt(curl_, CURLOPT_VERBOSE, 1L);  // only to feed on_debug; nothing is printed
        curl_easy_setopt(curl_, CURLOPT_DEBUGFUNCTION, on_debug);
        curl_easy_setopt(curl_, CURLOPT_DEBUGDATA, &replies_);
        if (connect_timeout_ > 0) curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, static_cast<long>(connect_timeout_));
        if (timeout_ > 0) {
            // TIMEOUT bounds one message (connect, TLS, AUTH and every command); SERVER_RESPONSE_TIMEOUT
            // bounds each reply wait, including the QUIT at close, where TIMEOUT does not apply.
            curl_easy_setopt(curl_, CURLOPT_TIMEOUT, static_cast<long>(timeout_));
            curl_easy_setopt(curl_, CURLOPT_SERVER_RESPONSE_TIMEOUT, static_cast<long>(timeout_));
        }
        if (!implicit_tls_) {
            long level = starttls_ == "required" ? CURLUSESSL_ALL : starttls_ == "opportunistic" ? CURLUSESSL_TRY : CURLUSESSL_NONE;
            curl_easy_setopt(curl_, CURLOPT_USE_SSL, level);
        }
        if (!ca_bundle_.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, ca_bundle_.c_str());
        if (!username_.empty()) {
            curl_easy_setopt(curl_, CURLOPT_USERNAME, username_.c_str());
            curl_easy_setopt(curl_, CURLOPT_PASSWORD, password_.c_str());
        }
        if (!reuse_) curl_easy_setopt(curl_, CURLOPT_FORBID_REUSE, 1L);
        return true;
    }

    // Shuts the connection's socket down, so the cleanup that follows neither waits for a QUIT
    // answer nor sends anything a server could mistake for a command.
    void drop_socket() {
        curl_socket_t fd = CURL_SOCKET_BAD;
        if (curl_easy_getinfo(curl_, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK && fd != CURL_SOCKET_BAD) shutdown(fd, SHUT_RDWR);
    }

    // `handed_over`: the whole message was sent and no reply about it came.
    SendResult classify(CURLcode rc, int code, bool handed_over) {
        std::string what = errbuf_[0] ? errbuf_ : curl_easy_strerror(rc);
        std::string error = std::string(name()) + " " + host_ + ": " + one_line(what, 200) + missing_system_file_hint(rc, ca_bundle_);
        for (auto it = replies_.rbegin(); code >= 400 && it != replies_.rend(); ++it)
            if (std::atoi(it->c_str()) == code) {
                error += " (server said: " + one_line(*it, 200) + ")";
                break;
            }
        bool session = code == 421 || code == 530 || code == 534 || code == 535 || code == 538 || rc == CURLE_LOGIN_DENIED;
        if (session) return {SendStatus::transient, code, error, true};
        if (code >= 500 && code < 600) return {SendStatus::permanent, code, error};
        if (code >= 400 && code < 500) return {SendStatus::transient, code, error};
        if (handed_over) {
            // The server has the message and did not say what it did with it: it may be delivered.
            // An attempt of this message (it counts), not a transport fault; the retry carries the
            // same Message-ID so the receiver can drop the copy.
            SendResult r{SendStatus::transient, 0, error + " after the whole message was sent: it may have been delivered"};
            r.outcome_unknown = true;
            return r;
        }
        return {SendStatus::transient, code, error, session_level(rc)};
    }

    bool implicit_tls_;
    std::string host_, url_, username_, password_, starttls_, ca_bundle_;
    int64_t connect_timeout_ = 0, timeout_ = 0;
    bool reuse_ = true;
    CURL* curl_ = nullptr;
    char errbuf_[CURL_ERROR_SIZE] = {0};
    std::vector<std::string> replies_;
};

}  // namespace

std::unique_ptr<MailTransport> make_smtp_transport(const Config& config, int64_t max_bytes, bool implicit_tls) {
    return std::make_unique<SmtpTransport>(config, max_bytes, implicit_tls);
}

}  // namespace mj
