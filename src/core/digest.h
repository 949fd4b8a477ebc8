// SHA-256 for what mailjobs fingerprints: export archive members (manifest.json), download tokens
// (exports.token_hash), in one place over OpenSSL's EVP interface.
#pragma once
#include <cstddef>
#include <string>

namespace mj {

// Incremental SHA-256: update() as data streams past, hex() once at the end.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(const void* data, size_t n);
    std::string hex();  // lowercase hex; the object is finished afterwards

private:
    void* ctx_;
};

// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(const std::string& data);

// `n` random bytes from OpenSSL's CSPRNG as unpadded base64url (RFC 4648 section 5): a download
// token of 32 bytes is 43 characters from [A-Za-z0-9_-]. Throws std::runtime_error when the
// generator fails (never a weak token).
std::string random_token(size_t n);

}  // namespace mj
