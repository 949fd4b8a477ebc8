// Browser sessions of the dashboard: the cookie, its CSRF token, the server secret that signs
// both, and the rate limit of failed sign-ins.
//
// The cookie value is "EXPIRY.NONCE.MAC": EXPIRY unix seconds, NONCE 16 random bytes (base64url),
// MAC = hex HMAC-SHA256(secret, "session|EXPIRY|NONCE|" + SHA-256 of the API token). Nothing is
// stored per session: a valid MAC and an unexpired EXPIRY is a session. Changing the [api] token
// or the secret file signs every browser out; a stolen cookie works until its expiry (as short as
// [dashboard] session_lifetime), never beyond.
// CSRF token = hex HMAC-SHA256(secret, "csrf|" + cookie value): bound to that one session, sent as
// a hidden form field with every action; a request that carries the bearer token needs none (a
// browser never adds an Authorization header to a cross-site form post by itself).
//
// The secret: [dashboard] session_secret_file, or DATABASE.dashboard-secret beside the database,
// created 0600 with 32 random bytes on first use (O_EXCL: two first requests agree on one file).
#pragma once
#include <cstdint>
#include <string>

#include "core/config.h"
#include "core/db.h"

namespace mj {

constexpr const char* kSessionCookie = "mailjobs_session";
constexpr int64_t kSignInWindow = 900;  // the rate limit's window: 15 minutes

// The secret's path for `config` (see above).
std::string session_secret_path(const Config& config);
// Reads the secret, creating the default file when missing. Throws std::runtime_error naming the
// file (never its content) when it cannot be read or created, or holds fewer than 16 bytes.
std::string load_session_secret(const Config& config);

// A new cookie value valid until now + lifetime.
std::string make_session(const std::string& secret, const std::string& api_token, int64_t now, int64_t lifetime);
// Whether `value` is a cookie value make_session() made with this secret and token, unexpired at `now`.
bool session_valid(const std::string& secret, const std::string& api_token, const std::string& value, int64_t now);
std::string csrf_token(const std::string& secret, const std::string& session_value);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string cookie_value(const std::string& cookie_header, const std::string& name);
// Set-Cookie value: HttpOnly; Secure; SameSite=Strict; Path=path; Max-Age=max_age (0 = delete).
std::string set_cookie(const std::string& name, const std::string& value, const std::string& path, int64_t max_age);

// Failed sign-ins in the window holding `now` (dashboard_sign_in_failures; one indexed read).
int64_t sign_in_failures(Db& db, int64_t now);
// Counts one failure in that window (one short write).
void record_sign_in_failure(Db& db, int64_t now);
// Seconds until the window holding `now` ends (Retry-After of a 429).
int64_t sign_in_retry_after(int64_t now);

}  // namespace mj
