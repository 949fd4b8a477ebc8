// MailTransport::send (the checks every transport shares), from_config, valid_address.
#include "delivery/mail.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "core/error.h"
#include "delivery/mail_transports.h"

namespace mj {

const char* send_status_name(SendStatus s) {
    switch (s) {
        case SendStatus::ok: return "ok";
        case SendStatus::transient: return "transient";
        case SendStatus::permanent: return "permanent";
    }
    return "permanent";
}

std::string one_line(const std::string& text, size_t max) {
    std::string out;
    for (char c : text) {
        if (c == '\r' || c == '\n') {
            if (!out.empty() && out.back() != ' ') out += ' ';
            continue;
        }
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    size_t start = out.find_first_not_of(' ');
    out = start == std::string::npos ? "" : out.substr(start);
    if (out.size() > max) out = out.substr(0, max) + "...";
    return out;
}

SendResult MailTransport::send(const MailMessage& m) {
    auto t0 = std::chrono::steady_clock::now();
    SendResult r;
    if (m.to.empty()) {
        r = {SendStatus::permanent, 0, "no recipient"};
    } else if (!m.from.empty() && !valid_address(m.from)) {
        r = {SendStatus::permanent, 0, "malformed sender address '" + one_line(m.from, 100) + "'"};
    } else {
        for (const auto& to : m.to)
            if (!valid_address(to)) {
                r = {SendStatus::permanent, 0, "malformed recipient address '" + one_line(to, 100) + "'"};
                break;
            }
    }
    if (r.status == SendStatus::ok && max_bytes_ > 0 && static_cast<int64_t>(m.data.size()) > max_bytes_)
        r = {SendStatus::permanent, 0,
             "message is " + std::to_string(m.data.size()) + " bytes, over the limit of " + std::to_string(max_bytes_) +
                 " bytes ([mail] max_message_bytes)"};
    if (r.status == SendStatus::ok) r = deliver(m);
    r.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

std::unique_ptr<MailTransport> MailTransport::from_config(const Config& config) {
    const std::string& kind = config.str("mail", "transport");
    int64_t max_bytes = config.integer("mail", "max_message_bytes");
    std::unique_ptr<MailTransport> t;
    if (kind == "smtp") t = make_smtp_transport(config, max_bytes, false);
    else if (kind == "smtps") t = make_smtp_transport(config, max_bytes, true);
    else if (kind == "maildir") t = make_maildir_transport(config, max_bytes);
    else t = make_sendmail_transport(config, max_bytes);
    t->timeout_s_ = std::max<int64_t>(1, config.duration("mail", "timeout"));
    return t;
}

bool MailTransport::fits_in_budget() const {
    if (deadline_ == std::chrono::steady_clock::time_point::max()) return true;
    return std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s_) <= deadline_;
}

namespace {

bool atext(unsigned char c) {
    if (std::isalnum(c)) return true;
    for (const char* p = "!#$%&'*+-/=?^_`{|}~"; *p; ++p)
        if (c == static_cast<unsigned char>(*p)) return true;
    return false;
}

bool valid_domain(const std::string& d) {
    if (d.empty() || d.size() > 253) return false;
    size_t start = 0;
    while (true) {
        size_t dot = d.find('.', start);
        std::string label = d.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (unsigned char c : label)
            if (!std::isalnum(c) && c != '-') return false;
        if (dot == std::string::npos) return true;
        start = dot + 1;
    }
}

}  // namespace

// Dot-atom local part and a host name: what we can hand to sendmail or an SMTP server without
// quoting. Quoted local parts and address literals are refused (none of our users need them, and
// they are where header and argument injection hide).
bool valid_address(const std::string& a) {
    if (a.size() > 254) return false;
    auto at = a.rfind('@');
    if (at == std::string::npos || at == 0 || at > 64) return false;
    std::string local = a.substr(0, at);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos) return false;
    for (unsigned char c : local)
        if (c != '.' && !atext(c)) return false;
    if (local.front() == '-') return false;  // would read as an option on a sendmail command line
    return valid_domain(a.substr(at + 1));
}

}  // namespace mj
