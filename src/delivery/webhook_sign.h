// Webhook signatures: how a receiver knows a POST came from us and was not replayed.
//
//   X-Mailjobs-Timestamp: <unix seconds when sent>
//   X-Mailjobs-Signature: sha256=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<body>")>
//   X-Mailjobs-Delivery:  <delivery_log.uuid>   (the same on every retry: receivers dedupe on it)
//   X-Mailjobs-Attempt:   <1-based attempt number>
//
// The timestamp is inside the signed text, so a receiver that rejects timestamps older than a few
// minutes also rejects replays (README "Verifying webhook signatures").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mj {

// Lowercase hex HMAC-SHA256 of `message` under `key`.
std::string hmac_sha256_hex(const std::string& key, const std::string& message);

// "sha256=" + hmac_sha256_hex(secret, timestamp + "." + body).
std::string webhook_signature(const std::string& secret, int64_t timestamp, const std::string& body);

// The headers above plus Content-Type: application/json. An empty `secret` leaves out the
// signature header (used only for operator alert webhooks without a configured secret).
std::vector<std::string> webhook_headers(const std::string& secret, int64_t timestamp, const std::string& body,
                                         const std::string& delivery_id, int attempt);

}  // namespace mj
