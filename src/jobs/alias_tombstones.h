// Alias tombstones (BJ-18, issue 14): when account-deletion deletes an alias, its address is kept
// only as a keyed hash, so the application can refuse to hand the address to someone else (a
// recycled alias would receive the previous owner's mail) without keeping the address itself.
//
//   alias_tombstones.address_hmac = lowercase hex HMAC-SHA256(secret, lowercase(address))
//   alias_tombstones.key_id       = [job.account-deletion] tombstone_key_id (rotation: a new secret
//                                   gets a new key id; old tombstones keep theirs)
//
// The secret is the content of [job.account-deletion] tombstone_secret_file (trailing whitespace
// and newlines ignored); the application reads the same file(s). No file configured = tombstones
// off. share/schema.md "alias_tombstones" has the check the application makes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/job.h"

namespace mj {

struct TombstoneKey {
    bool enabled = false;
    std::string secret;
    std::string key_id;
};

// The key from the job's config; throws std::runtime_error when the file is set but cannot be read
// or is empty (deleting aliases without their tombstones would be silent).
TombstoneKey tombstone_key(JobContext& ctx);

// lowercase hex HMAC-SHA256(secret, address with ASCII letters lowercased).
std::string alias_tombstone_hash(const std::string& secret, const std::string& address);

// Inside the caller's transaction: one tombstone for each alias of `alias_ids` (INSERT OR IGNORE:
// a rerun of a rolled-back batch adds none twice). Returns the tombstones added.
int64_t write_alias_tombstones(Db& db, const TombstoneKey& key, const std::vector<int64_t>& alias_ids, int64_t now);

}  // namespace mj
