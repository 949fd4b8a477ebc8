#include "delivery/ca_bundle.h"

#include <curl/curl.h>
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

std::string missing_system_file_hint(int curl_code, const std::string& ca_file) {
    if (curl_code == CURLE_COULDNT_RESOLVE_HOST && access("/etc/resolv.conf", R_OK) != 0)
        return " (/etc/resolv.conf is missing or unreadable, so no DNS server is known: use an IP address or "
               "provide /etc/resolv.conf)";
    bool ca_problem = curl_code == CURLE_SSL_CACERT_BADFILE || curl_code == CURLE_PEER_FAILED_VERIFICATION;
    if (!ca_problem) return "";
    if (ca_file.empty()) {
        std::string looked;
        for (const auto& p : ca_bundle_candidates()) looked += (looked.empty() ? "" : ", ") + p;
        return " (no CA bundle found to check the certificate; looked for " + looked + "; set [general] ca_bundle)";
    }
    if (access(ca_file.c_str(), R_OK) != 0) return " (CA bundle " + ca_file + " cannot be read; check [general] ca_bundle)";
    return "";
}

}  // namespace mj
