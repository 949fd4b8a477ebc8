// The [api] token: the bearer token of the JSON API and the sign-in password of the dashboard.
#pragma once
#include <string>

#include "core/config.h"

namespace mj {

// [api] token_file's first non-blank line (trimmed), else [api] token. HttpError(403) when neither
// is set or the token is shorter than 16 characters (the API and the dashboard are off);
// HttpError(500) when token_file cannot be read (the reason goes to the mailjobs log, never the token).
std::string configured_token(const Config& config);

}  // namespace mj
