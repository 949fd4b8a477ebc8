// Health checks of the ways out (issue 16, `mailjobs doctor`): the mail transport, the CA bundle
// TLS is checked against. Each returns one CheckResult (core/check.h) with a fix; nothing is sent.
#pragma once
#include "core/check.h"
#include "core/config.h"

namespace mj {

// sendmail: the program exists and is executable (a bare name is looked up in PATH, as execvp
// does). smtp/smtps: the host is set; with `deep`, a TCP (and for smtps a TLS) connection is made,
// bounded by [mail] timeout (at most 10 s). maildir: a warning (nothing is sent).
CheckResult check_mail_transport(const Config& config, bool deep);

// The bundle find_ca_bundle() picks: set and readable, or found among the system's.
CheckResult check_ca_bundle(const Config& config);

}  // namespace mj
