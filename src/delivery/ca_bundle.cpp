#include "delivery/ca_bundle.h"

#include <unistd.h>

namespace mj {

const std::vector<std::string>& ca_bundle_candidates() {
    static const std::vector<std::string> paths = {
        "/etc/pki/tls/certs/ca-bundle.crt",                   // cPanel on AlmaLinux / CentOS / CloudLinux
        "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL family, newer layout
        "/etc/ssl/cert.pem",                                  // Alpine, BSDs, macOS
    };
    return paths;
}

std::string find_ca_bundle(const Config& config) {
    std::string configured = config.path("general", "ca_bundle");
    if (!configured.empty()) return configured;
    for (const auto& p : ca_bundle_candidates())
        if (access(p.c_str(), R_OK) == 0) return p;
    return "";
}

}  // namespace mj
