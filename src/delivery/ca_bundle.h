// Where TLS peers' certificates are checked against: [general] ca_bundle if set, else the first
// bundle that exists among the layouts of cPanel's AlmaLinux/CentOS and of Debian/Ubuntu. Shared
// by the SMTP transport (STARTTLS, smtps) and the HTTP client (webhooks, alerts, pings).
#pragma once
#include <string>
#include <vector>

#include "core/config.h"

namespace mj {

// The bundle to pass as CURLOPT_CAINFO: the configured path as given (a missing file then fails
// the TLS handshake with a clear error rather than silently trusting another store), or the first
// candidate that exists, or "" when none does (libcurl's built-in default applies).
std::string find_ca_bundle(const Config& config);

// The auto-detect candidates, in order.
const std::vector<std::string>& ca_bundle_candidates();

// What the host lacks when a request failed with libcurl code `curl_code` because of a missing
// system file (" (...)", appended to the error), or "": no resolv.conf for a failed name lookup
// (c-ares then asks 127.0.0.1), no CA bundle (`ca_file` as find_ca_bundle() answered) for a
// failed certificate check. A chroot, a container or a stripped-down host gets the reason and
// the fix instead of libcurl's "error setting certificate file".
std::string missing_system_file_hint(int curl_code, const std::string& ca_file);

}  // namespace mj
