// The transport implementations behind MailTransport::from_config (mail.cpp). Each lives in its
// own file: sendmail.cpp, smtp.cpp, maildir.cpp.
#pragma once
#include <memory>

#include "delivery/mail.h"

namespace mj {

std::unique_ptr<MailTransport> make_sendmail_transport(const Config& config, int64_t max_bytes);
std::unique_ptr<MailTransport> make_smtp_transport(const Config& config, int64_t max_bytes, bool implicit_tls);
std::unique_ptr<MailTransport> make_maildir_transport(const Config& config, int64_t max_bytes);

// First line of `text`, trimmed, at most `max` bytes: errors go into one-line history fields.
std::string one_line(const std::string& text, size_t max = 300);

}  // namespace mj
