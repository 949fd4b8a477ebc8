// Fuzz target: mail addresses and header building (src/delivery/mail_message.cpp,
// valid_address in src/delivery/mail.cpp). Input: fields separated by NUL bytes: from name, from
// address, to name, to address, subject, text body, html body, one extra header value; the whole
// input is also read as a raw message by header_value.
// Invariants: no CR anywhere; in the header block every line is a continuation (starts with
// space or tab) or "Name: value" with a name mailjobs writes, so no field text can add a header
// (Bcc:) or end the header block early; valid_address never accepts what starts with '-' or holds
// a space, quote, angle bracket or control character.
#include <strings.h>

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "delivery/mail.h"
#include "delivery/mail_message.h"

namespace {

void check_address_rules(const std::string& a) {
    if (!mj::valid_address(a)) return;
    if (a.empty() || a[0] == '-' || a.size() > 254) std::abort();
    for (unsigned char c : a)
        if (c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == ',' || c == '(' || c == ')' ||
            c == '\\' || c == ';' || c == ':')
            std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string in(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> f;
    size_t start = 0;
    while (f.size() < 8) {
        size_t nul = in.find('\0', start);
        f.push_back(in.substr(start, nul == std::string::npos ? std::string::npos : nul - start));
        if (nul == std::string::npos) break;
        start = nul + 1;
    }
    f.resize(8);
    for (const auto& s : f) check_address_rules(s);

    mj::OutgoingMail m;
    m.from = {f[0], f[1]};
    m.to = {f[2], f[3]};
    m.subject = f[4];
    m.body = f[5];
    m.body_html = f[6];
    m.date = 1795000000;
    m.message_id = "<fuzz@example.com>";
    m.extra_headers = {{"X-Mailjobs-Notice", f[7]}};
    const std::string msg = mj::build_message(m);
    if (msg.find('\r') != std::string::npos) std::abort();
    static const std::set<std::string> known = {"from", "to", "subject", "date", "message-id", "mime-version",
                                                "content-type", "content-transfer-encoding", "x-mailjobs-notice",
                                                "auto-submitted", "precedence", "reply-to", "x-auto-response-suppress"};
    const size_t end = msg.find("\n\n");
    if (end == std::string::npos) std::abort();
    size_t pos = 0;
    while (pos < end) {
        size_t nl = msg.find('\n', pos);
        const std::string line = msg.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.empty()) std::abort();
        if (line[0] == ' ' || line[0] == '\t') continue;
        const size_t colon = line.find(": ");
        if (colon == std::string::npos) std::abort();
        std::string name = line.substr(0, colon);
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (!known.count(name)) std::abort();
    }
    mj::format_mailbox(m.from);
    mj::header_value(in, "Subject");
    mj::header_value(msg, f[4]);
    return 0;
}
