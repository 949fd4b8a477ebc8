#include "delivery/mail_persona.h"

#include <cctype>

namespace mj {
namespace {

std::string norm(const std::string& s) {
    std::string out;
    for (unsigned char c : s) out += c == '-' ? '_' : static_cast<char>(std::tolower(c));
    return out;
}

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::string title_case(const std::string& name) {
    std::string out;
    bool up = true;
    for (char c : name) {
        if (c == '_' || c == '-') { out += ' '; up = true; continue; }
        out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        up = false;
    }
    return out;
}

}  // namespace

Mailbox persona_sender(const Config& config, const std::string& persona, const std::string& from_name) {
    Mailbox m;
    std::string key = norm(persona.empty() ? "porter" : persona);
    if (key == "porter") {
        m.name = config.str("mail", "porter_name");
        m.address = config.str("mail", "porter_address");
    } else {
        m.name = title_case(key);
        for (const auto& entry : config.list("mail", "personas")) {
            auto eq = entry.find('=');
            if (eq == std::string::npos || norm(trim(entry.substr(0, eq))) != key) continue;
            std::string rest = trim(entry.substr(eq + 1));
            auto lt = rest.find('<'), gt = rest.rfind('>');
            if (lt != std::string::npos && gt != std::string::npos && gt > lt) {
                m.address = trim(rest.substr(lt + 1, gt - lt - 1));
                rest = trim(rest.substr(0, lt));
            }
            if (!rest.empty()) m.name = rest;
        }
    }
    if (m.address.empty()) m.address = config.str("mail", "from_address");
    if (!from_name.empty()) m.name = from_name;
    return m;
}

}  // namespace mj
