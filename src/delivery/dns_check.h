// Do the DNS servers answer? (issue 16, `mailjobs doctor`; the dns-recheck of domains needs them.)
// A small direct c-ares check, independent of any resolver module: the servers of
// /etc/resolv.conf, each asked on its own for the NS of the root zone ("."), 2 s each, one try.
// An answer of any kind that is not an error of the server counts (NOERROR, NXDOMAIN, no data).
#pragma once
#include "core/check.h"
#include "core/config.h"

namespace mj {

CheckResult check_dns_servers(const Config& config);

}  // namespace mj
