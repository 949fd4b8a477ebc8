#include "jobs/alias_tombstones.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "delivery/webhook_sign.h"
#include "retention/sql_text.h"

namespace mj {

TombstoneKey tombstone_key(JobContext& ctx) {
    TombstoneKey key;
    const std::string file = ctx.config.path(ctx.section(), "tombstone_secret_file");
    if (file.empty()) return key;
    std::ifstream in(file);
    if (!in.is_open()) throw std::runtime_error("cannot read [job.account-deletion] tombstone_secret_file " + file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string secret = ss.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' ' || secret.back() == '\t'))
        secret.pop_back();
    if (secret.empty()) throw std::runtime_error("[job.account-deletion] tombstone_secret_file " + file + " is empty");
    key.enabled = true;
    key.secret = secret;
    key.key_id = ctx.cfg("tombstone_key_id");
    return key;
}

std::string alias_tombstone_hash(const std::string& secret, const std::string& address) {
    std::string lower = address;
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return hmac_sha256_hex(secret, lower);
}

int64_t write_alias_tombstones(Db& db, const TombstoneKey& key, const std::vector<int64_t>& alias_ids, int64_t now) {
    if (!key.enabled || alias_ids.empty()) return 0;
    std::vector<std::string> hashes;
    {
        Statement q = db.query("SELECT address FROM aliases WHERE id IN (" + rowid_list(alias_ids) + ")");
        while (q.step()) hashes.push_back(alias_tombstone_hash(key.secret, q.column(0).as_text()));
    }
    int64_t added = 0;
    for (const auto& h : hashes) {
        Statement ins = db.query("INSERT INTO alias_tombstones(address_hmac, key_id, created_at) VALUES(?, ?, ?) "
                                 "ON CONFLICT DO NOTHING", h, key.key_id, now);
        added += ins.exec();
    }
    return added;
}

}  // namespace mj
