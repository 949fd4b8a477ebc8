// gen_delivery_log DB ROWS NOW [DAYS]: fills a freshly migrated mailjobs database (run
// `mailjobs migrate` on it first) with a realistic webhook delivery log for the purge benchmark.
//
// - ROWS delivery_log rows appended in time order over DAYS (default 180) ending at NOW, so
//   created_at increases with id (as the application appends them) and half are older than DAYS/2.
// - 200 users, 250 verified domains, 300 webhooks as the foreign keys need; traffic per webhook is
//   skewed (a few heavy users), so the user/domain/webhook indexes look like production ones.
// - Payloads are webhook JSON bodies of ~300-800 bytes; uuid starts with created_at in hex like the
//   schema's default (its index is time-ordered); statuses are mostly delivered, ~3 % permanently
//   failed, and in the last day some failed rows waiting for a retry (next_retry_at after NOW, so
//   a tick at NOW never makes network calls).
// Deterministic (fixed PRNG seed). Speed over durability: journal off while filling, then the file
// is switched back to WAL, which mailjobs expects.
#include <cinttypes>
#include <string>
#include <vector>

#include "bench_util.h"

namespace {

struct Rng {  // splitmix64: fast, deterministic
    uint64_t s = 0x6d61696c6a6f6273ULL;
    uint64_t next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    int64_t below(int64_t n) { return static_cast<int64_t>(next() % static_cast<uint64_t>(n)); }
    double unit() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
};

std::string hex(Rng& r, int chars) {
    static const char* d = "0123456789abcdef";
    std::string s(chars, '0');
    uint64_t v = 0;
    for (int i = 0; i < chars; ++i) {
        if (i % 16 == 0) v = r.next();
        s[i] = d[v & 15];
        v >>= 4;
    }
    return s;
}

const char* const kWords[] = {"invoice", "your", "order", "shipped", "meeting", "tomorrow", "re:", "fwd:", "weekly",
                              "report", "password", "reset", "welcome", "to", "the", "team", "receipt", "for",
                              "payment", "newsletter", "update", "account", "security", "alert", "lunch", "plans",
                              "project", "status", "draft", "contract", "photos", "from", "trip", "reminder"};
const char* const kNames[] = {"Alice Martin", "Bob Keller", "Chen Wei", "Dana Novak", "Eve Laurent", "Farid Haddad",
                              "Grace Okafor", "Hugo Silva", "Ines Duarte", "Jonas Berg", "Kira Tanaka", "Lena Fischer"};
const char* const kEvents[] = {"message.delivered", "message.forwarded", "message.bounced", "message.received"};
const char* const kErrors[] = {"HTTP 503 Service Unavailable", "timeout after 10s", "connection refused",
                               "HTTP 500 Internal Server Error", "TLS handshake failed"};

std::string payload(Rng& r, const std::string& uuid, int64_t t, const std::string& domain, const std::string& msgid) {
    std::string subject;
    for (int n = 2 + r.below(10), i = 0; i < n; ++i) subject += std::string(i ? " " : "") + kWords[r.below(34)];
    const char* name = kNames[r.below(12)];
    std::string p = "{\"event\":\"" + std::string(kEvents[r.below(4)]) + "\",\"delivery_id\":\"" + uuid +
                    "\",\"timestamp\":" + std::to_string(t) + ",\"domain\":\"" + domain + "\",\"alias\":\"a" +
                    std::to_string(r.below(5000)) + "@" + domain + "\",\"message\":{\"message_id\":\"" + msgid +
                    "\",\"from\":\"" + name + " <sender" + std::to_string(r.below(100000)) +
                    "@mail.example.com>\",\"subject\":\"" + subject + "\",\"size\":" + std::to_string(500 + r.below(2000000)) +
                    ",\"spam_score\":" + std::to_string(r.below(80) / 10.0).substr(0, 3) +
                    ",\"attachments\":" + std::to_string(r.below(4)) + "},\"headers\":{";
    for (int n = r.below(6), i = 0; i < n; ++i)
        p += std::string(i ? "," : "") + "\"x-hdr-" + std::to_string(i) + "\":\"" + hex(r, 20 + r.below(40)) + "\"";
    p += "},\"dkim\":\"pass\",\"spf\":\"pass\"}";
    return p;
}

struct Hook { int64_t id, user_id, domain_id; std::string url, domain; };

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) bench::die("usage: gen_delivery_log DB ROWS NOW [DAYS]");
    const std::string path = argv[1];
    const int64_t rows = std::stoll(argv[2]), now = std::stoll(argv[3]);
    const int64_t span = (argc > 4 ? std::stoll(argv[4]) : 180) * 86400;
    const int64_t t0 = bench::mono_ns();
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) bench::die("open " + path);
    if (bench::scalar(db, "SELECT count(*) FROM delivery_log") != 0) bench::die(path + ": delivery_log is not empty");
    bench::exec(db, "PRAGMA journal_mode = DELETE");
    bench::exec(db, "PRAGMA journal_mode = OFF");
    bench::exec(db, "PRAGMA synchronous = OFF");
    bench::exec(db, "PRAGMA cache_size = -262144");
    bench::exec(db, "BEGIN");

    // Owners: users 1..200, domains 1..250 (verified, never rechecked), webhooks 1..300.
    const int64_t old = now - span - 30 * 86400;
    bench::exec(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 200) "
                    "INSERT INTO users(id, email, created_at) SELECT i, 'user' || i || '@example.com', " + std::to_string(old) + " FROM c");
    bench::exec(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 250) "
                    "INSERT INTO domains(id, user_id, name, status, verification_token, verified_at, created_at) "
                    "SELECT i, 1 + (i - 1) % 200, 'd' || i || '.example.net', 'verified', hex(randomblob(16)), " +
                    std::to_string(old) + ", " + std::to_string(old) + " FROM c");
    bench::exec(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 300) "
                    "INSERT INTO webhooks(id, user_id, domain_id, url, secret, created_at) "
                    "SELECT i, 1 + ((i - 1) % 250) % 200, 1 + (i - 1) % 250, 'https://hooks' || (i % 7) || '.example.org/in/' || i, "
                    "hex(randomblob(32)), " + std::to_string(old) + " FROM c");
    std::vector<Hook> hooks;
    for (int64_t i = 1; i <= 300; ++i) {
        int64_t d = 1 + (i - 1) % 250;
        hooks.push_back({i, 1 + (d - 1) % 200, d, "https://hooks" + std::to_string(i % 7) + ".example.org/in/" + std::to_string(i),
                         "d" + std::to_string(d) + ".example.net"});
    }

    sqlite3_stmt* ins = nullptr;
    const char* sql =
        "INSERT INTO delivery_log(id, uuid, user_id, domain_id, webhook_id, message_id, webhook_url, payload_hash, payload, "
        "status, attempts, instance_id, last_error, last_status_code, next_retry_at, created_at, updated_at, delivered_at) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)";
    if (sqlite3_prepare_v2(db, sql, -1, &ins, nullptr) != SQLITE_OK) bench::die(sqlite3_errmsg(db));
    Rng r;
    const int64_t start = now - span;
    int64_t payload_bytes = 0;
    for (int64_t i = 0; i < rows; ++i) {
        const int64_t t = start + static_cast<int64_t>(static_cast<double>(i) * span / rows);
        double u = r.unit();
        const Hook& h = hooks[static_cast<size_t>(u * u * 300)];  // skewed: low ids are heavy users
        std::string uuid = [&] { char b[9]; std::snprintf(b, sizeof b, "%08" PRIx64, t); return std::string(b); }() + hex(r, 24);
        std::string msgid = "<" + hex(r, 16) + "." + hex(r, 8) + "@mail.example.com>";
        std::string body = payload(r, uuid, t, h.domain, msgid);
        payload_bytes += static_cast<int64_t>(body.size());
        // Status: final for everything older than a day; the last day also holds failed rows
        // waiting for their next retry (scheduled 1-2 h after NOW).
        int64_t roll = r.below(1000);
        bool recent = now - t < 86400;
        const char* status = roll < 30 ? "permanently_failed" : (recent && roll < 45 ? "failed" : "delivered");
        std::string st = status;
        int64_t attempts = st == "permanently_failed" ? 5 : st == "failed" ? 1 + r.below(3) : (roll < 900 ? 1 : 1 + r.below(3));
        int k = 1;
        sqlite3_bind_int64(ins, k++, i + 1);
        sqlite3_bind_text(ins, k++, uuid.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, k++, h.user_id);
        sqlite3_bind_int64(ins, k++, h.domain_id);
        sqlite3_bind_int64(ins, k++, h.id);
        sqlite3_bind_text(ins, k++, msgid.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, h.url.c_str(), -1, SQLITE_TRANSIENT);
        std::string hash = hex(r, 64);
        sqlite3_bind_text(ins, k++, hash.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, body.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, k++, status, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, k++, attempts);
        sqlite3_bind_text(ins, k++, roll % 3 ? "web-1" : "web-2", -1, SQLITE_STATIC);
        if (st == "delivered") {
            sqlite3_bind_null(ins, k++);
            sqlite3_bind_int64(ins, k++, 200);
            sqlite3_bind_null(ins, k++);
        } else {
            sqlite3_bind_text(ins, k++, kErrors[r.below(5)], -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, k++, 503);
            if (st == "failed") sqlite3_bind_int64(ins, k++, now + 3600 + r.below(3600));
            else sqlite3_bind_null(ins, k++);
        }
        sqlite3_bind_int64(ins, k++, t);
        sqlite3_bind_int64(ins, k++, t + 1 + r.below(30));
        if (st == "delivered") sqlite3_bind_int64(ins, k++, t + 1 + r.below(3));
        else sqlite3_bind_null(ins, k++);
        if (sqlite3_step(ins) != SQLITE_DONE) bench::die(std::string("insert: ") + sqlite3_errmsg(db));
        sqlite3_reset(ins);
        if (i % 100000 == 99999) {
            bench::exec(db, "COMMIT");
            bench::exec(db, "BEGIN");
        }
    }
    sqlite3_finalize(ins);
    bench::exec(db, "COMMIT");
    bench::exec(db, "PRAGMA journal_mode = WAL");
    sqlite3_close(db);
    std::printf("{\"rows\": %" PRId64 ", \"avg_payload_bytes\": %" PRId64 ", \"seconds\": %.1f}\n", rows,
                rows ? payload_bytes / rows : 0, (bench::mono_ns() - t0) / 1e9);
    return 0;
}
