// Mail transports (DESIGN.md "Delivery"): sendmail (default: cPanel's SMTP Restrictions forbid
// user processes from remote SMTP, so mail goes through the local `sendmail -t -i`, i.e. Exim),
// smtp/smtps through libcurl (for VPS users), and maildir (writes files; for trying things out).
//
// Every failure is classified: transient (4xx, timeouts, connection refused, sendmail EX_TEMPFAIL)
// is retried later; permanent (5xx, malformed address, message over the size limit) is not.
// A failure that says nothing about the message itself (server unreachable, TLS or login failed,
// sendmail missing) is transient and sets transport_down: the caller stops its batch there and
// does not count it as an attempt of the message (issue 12.2: an outage must not use up retries).
// A failure after the whole message was handed over without an answer about it (timeout at the
// end of DATA, connection lost, sendmail killed after reading it all) sets outcome_unknown: the
// message may have been delivered. It counts as an attempt; its retry must carry the same
// Message-ID so the receiver can drop a copy.
//
// Time (issue 12.1): every stage of a send is bounded by [mail] timeout, and a send starts only
// when that timeout fits before the deadline the job gives (set_deadline): fits_in_budget().
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"

namespace mj {

struct MailMessage {
    std::string from;                 // envelope sender (bare address; "" = null sender <>)
    std::vector<std::string> to;      // envelope recipients (bare addresses)
    std::string data;                 // the whole RFC 5322 message, headers and body, CRLF or LF
    // True when the To:/Cc: headers of `data` name exactly `to` (notices we build). Only then may
    // `sendmail -t` read the recipients from the headers; a forwarded message's To: names the
    // alias, so for it the sendmail transport drops -t and passes the envelope as arguments.
    bool recipients_in_headers = false;
};

enum class SendStatus { ok, transient, permanent };
const char* send_status_name(SendStatus s);  // "ok", "transient", "permanent"

struct SendResult {
    SendStatus status = SendStatus::ok;
    int code = 0;            // SMTP reply code, sendmail exit status, or 0
    std::string error;       // one line, for history and logs; "" when ok
    bool transport_down = false;  // transient and not about this message (see top of file)
    bool outcome_unknown = false; // transient: handed over, no answer; may have been delivered
    int64_t duration_ms = 0;
};

class MailTransport {
public:
    virtual ~MailTransport() = default;
    // Sends one message. Checks the addresses and [mail] max_message_bytes first (permanent
    // failures, nothing sent), then hands it to the transport. Implementations reuse one
    // connection across calls where they can (smtp: one connection per batch), and never throw
    // for delivery failures.
    SendResult send(const MailMessage& message);
    // Ends the batch (closes a reused connection).
    virtual void close() {}
    // "sendmail", "smtp", "smtps", "maildir".
    virtual const char* name() const = 0;
    // The end of the run's time budget; no send (and no QUIT wait) is started that could outlast it.
    void set_deadline(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }
    // True when a whole send ([mail] timeout) still fits before the deadline (always without one).
    bool fits_in_budget() const;
    // [mail] timeout in seconds: the longest one send may take.
    int64_t timeout_s() const { return timeout_s_; }
    // Built from [mail] in jobs.ini. Throws Error(kExitUsage) for a configuration that cannot
    // work (smtp without a host, unreadable smtp_password_file).
    static std::unique_ptr<MailTransport> from_config(const Config& config);

protected:
    explicit MailTransport(int64_t max_message_bytes) : max_bytes_(max_message_bytes) {}
    virtual SendResult deliver(const MailMessage& message) = 0;

private:
    int64_t max_bytes_;
    int64_t timeout_s_ = 0;
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
};

// True if `address` is a plausible bare mailbox (local@domain, no spaces, no CR/LF, no <>).
bool valid_address(const std::string& address);

}  // namespace mj
