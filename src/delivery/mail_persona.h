// Sender identities of notices ("personas"). porter is the default ([mail] porter_name,
// porter_address); others are listed in [mail] personas as "NAME=Display Name" or
// "NAME=Display Name <address>" (BJ-04: overflow-hold warnings come from their own persona, never
// Porter). Names compare case-insensitively with "-" and "_" alike. A persona not listed gets a
// display name made from its name ("overflow_hold" -> "Overflow Hold"), never Porter's. The
// address falls back to [mail] from_address. A notice's own from_name wins over the display name.
#pragma once
#include <string>

#include "core/config.h"
#include "delivery/mail_message.h"

namespace mj {

// address is "" when neither the persona nor [mail] from_address gives one.
Mailbox persona_sender(const Config& config, const std::string& persona, const std::string& from_name);

}  // namespace mj
