// Building the RFC 5322 messages mailjobs writes itself (notices, digests, operator alerts), and
// reading a header out of a raw message (the subject of a failed forward, for its notice).
//
// Output uses LF line ends; the transports convert (CRLF for SMTP). Header values are made safe:
// CR/LF removed (no header injection), non-ASCII encoded per RFC 2047. The text body is
// quoted-printable UTF-8, so long lines and any character survive every relay.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mj {

struct Mailbox {
    std::string name;     // display name, may be "" or non-ASCII
    std::string address;  // bare address
};

struct OutgoingMail {
    Mailbox from;
    Mailbox to;
    std::string subject;
    std::string body;                 // text/plain, UTF-8
    std::string body_html;            // optional text/html alternative
    int64_t date = 0;                 // unix seconds for the Date: header
    std::string message_id;           // "<...>" or "" = made up from the date and random bits
    std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. {"X-Mailjobs-Notice", "12"}
};

std::string build_message(const OutgoingMail& mail);

// Size in bytes of `text` as build_message encodes a body (quoted-printable): for size limits.
size_t encoded_body_size(const std::string& text);

// A new unique Message-ID, "<DATE.RANDOM@DOMAIN>" with DOMAIN taken from `from_address`. Callers
// that may send the same message again (notices) store it and reuse it on every attempt.
std::string new_message_id(const std::string& from_address, int64_t date);

// "Display Name <address>" with the name quoted or RFC 2047 encoded as needed.
std::string format_mailbox(const Mailbox& m);

// The unfolded value of the first header `name` (case-insensitive) in `raw`, or "".
std::string header_value(const std::string& raw, const std::string& name);

// RFC 5322 date: "Wed, 18 Nov 2026 09:46:40 +0000".
std::string rfc5322_date(int64_t unix_seconds);

}  // namespace mj
