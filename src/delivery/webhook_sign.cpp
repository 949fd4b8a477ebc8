#include "delivery/webhook_sign.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace mj {

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
         message.size(), mac, &len);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[mac[i] >> 4];
        out += hex[mac[i] & 15];
    }
    return out;
}

std::string webhook_signature(const std::string& secret, int64_t timestamp, const std::string& body) {
    return "sha256=" + hmac_sha256_hex(secret, std::to_string(timestamp) + "." + body);
}

std::vector<std::string> webhook_headers(const std::string& secret, int64_t timestamp, const std::string& body,
                                         const std::string& delivery_id, int attempt) {
    std::vector<std::string> h = {"Content-Type: application/json", "X-Mailjobs-Timestamp: " + std::to_string(timestamp)};
    if (!secret.empty()) h.push_back("X-Mailjobs-Signature: " + webhook_signature(secret, timestamp, body));
    if (!delivery_id.empty()) h.push_back("X-Mailjobs-Delivery: " + delivery_id);
    if (attempt > 0) h.push_back("X-Mailjobs-Attempt: " + std::to_string(attempt));
    return h;
}

}  // namespace mj
