// Mail transports (DESIGN.md "Delivery"): sendmail (default: cPanel's SMTP Restrictions forbid
// user processes from remote SMTP, so mail goes through the local `sendmail -t -i`, i.e. Exim),
// smtp/smtps through libcurl (for VPS users), and maildir (writes files; for trying things out).
//
// Every failure is classified: transient (4xx, timeouts, connection refused, sendmail EX_TEMPFAIL)
// is retried later; permanent (5xx, malformed address, message over the size limit) is not.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"

namespace mj {

struct MailMessage {
    std::string from;                 // envelope sender (bare address)
    std::vector<std::string> to;      // envelope recipients (bare addresses)
    std::string data;                 // the whole RFC 5322 message, headers and body, CRLF or LF
};

enum class SendStatus { ok, transient, permanent };

struct SendResult {
    SendStatus status = SendStatus::ok;
    int code = 0;            // SMTP reply code, sendmail exit status, or 0
    std::string error;       // one line, for history and logs; "" when ok
};

class MailTransport {
public:
    virtual ~MailTransport() = default;
    // Sends one message. Implementations reuse one connection across calls where they can
    // (smtp: one connection per batch), and never throw for delivery failures.
    virtual SendResult send(const MailMessage& message) = 0;
    // Ends the batch (closes a reused connection).
    virtual void close() {}
    // Built from [mail] in jobs.ini.
    static std::unique_ptr<MailTransport> from_config(const Config& config);
};

// True if `address` is a plausible bare mailbox (local@domain, no spaces, no CR/LF, no <>).
bool valid_address(const std::string& address);

}  // namespace mj
