#include "api/dashboard_session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "api/cgi_io.h"              // same_secret
#include "core/digest.h"             // random_token, sha256_hex
#include "delivery/webhook_sign.h"   // hmac_sha256_hex: the one HMAC of the code base

namespace mj {
namespace {

std::string session_mac(const std::string& secret, const std::string& token, const std::string& expiry, const std::string& nonce) {
    return hmac_sha256_hex(secret, "session|" + expiry + "|" + nonce + "|" + sha256_hex(token));
}

std::string read_secret(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

std::string session_secret_path(const Config& config) {
    const std::string file = config.path("dashboard", "session_secret_file");
    if (!file.empty()) return file;
    const std::string database = config.path("general", "database");
    if (!Db::is_server(database)) return database + ".dashboard-secret";
    // PostgreSQL: no database folder; beside jobs.ini (every host of the dashboard needs the same
    // secret for its cookies: give them one session_secret_file).
    const std::string& ini = config.file();
    const auto slash = ini.rfind('/');
    return (slash == std::string::npos ? std::string() : ini.substr(0, slash + 1)) + "mailjobs.dashboard-secret";
}

std::string load_session_secret(const Config& config) {
    const std::string path = session_secret_path(config);
    const bool configured = !config.path("dashboard", "session_secret_file").empty();
    std::string secret = read_secret(path);
    if (secret.empty() && !configured && access(path.c_str(), F_OK) != 0) {
        // First use: create it 0600 beside the database. O_EXCL: of two first requests one creates
        // the file, the other reads what the first wrote.
        const std::string fresh = random_token(32);
        int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            const std::string text = fresh + "\n";
            bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
            ok &= fsync(fd) == 0;
            close(fd);
            if (!ok) {
                unlink(path.c_str());
                throw std::runtime_error("cannot write the dashboard session secret " + path);
            }
        } else if (errno != EEXIST) {
            throw std::runtime_error("cannot create the dashboard session secret " + path + ": " + std::strerror(errno));
        }
        secret = read_secret(path);
    }
    if (secret.size() < 16)
        throw std::runtime_error("the dashboard session secret " + path + (secret.empty() ? " cannot be read" : " is shorter than 16 bytes"));
    return secret;
}

std::string make_session(const std::string& secret, const std::string& api_token, int64_t now, int64_t lifetime) {
    const std::string expiry = std::to_string(now + lifetime);
    const std::string nonce = random_token(16);
    return expiry + "." + nonce + "." + session_mac(secret, api_token, expiry, nonce);
}

bool session_valid(const std::string& secret, const std::string& api_token, const std::string& value, int64_t now) {
    const size_t a = value.find('.');
    const size_t b = a == std::string::npos ? a : value.find('.', a + 1);
    if (b == std::string::npos || a == 0 || a > 12) return false;
    const std::string expiry = value.substr(0, a), nonce = value.substr(a + 1, b - a - 1), mac = value.substr(b + 1);
    if (expiry.find_first_not_of("0123456789") != std::string::npos) return false;
    if (!same_secret(mac, session_mac(secret, api_token, expiry, nonce))) return false;
    return std::stoll(expiry) > now;
}

std::string csrf_token(const std::string& secret, const std::string& session_value) {
    return hmac_sha256_hex(secret, "csrf|" + session_value);
}

std::string cookie_value(const std::string& header, const std::string& name) {
    size_t pos = 0;
    while (pos < header.size()) {
        size_t end = header.find(';', pos);
        if (end == std::string::npos) end = header.size();
        std::string part = header.substr(pos, end - pos);
        pos = end + 1;
        const size_t first = part.find_first_not_of(' ');
        if (first == std::string::npos) continue;
        part = part.substr(first);
        const size_t eq = part.find('=');
        if (eq != std::string::npos && part.compare(0, eq, name) == 0 && eq == name.size()) {
            std::string v = part.substr(eq + 1);
            while (!v.empty() && v.back() == ' ') v.pop_back();
            return v;
        }
    }
    return "";
}

std::string set_cookie(const std::string& name, const std::string& value, const std::string& path, int64_t max_age) {
    return name + "=" + value + "; Path=" + (path.empty() ? "/" : path) + "; Max-Age=" + std::to_string(max_age) +
           "; HttpOnly; Secure; SameSite=Strict";
}

int64_t sign_in_failures(Db& db, int64_t now) {
    return db.scalar("SELECT coalesce(max(failures), 0) FROM dashboard_sign_in_failures WHERE window_start = ?",
                     now - now % kSignInWindow);
}

void record_sign_in_failure(Db& db, int64_t now) {
    db.write([&] {
        Statement q(db,
                    "INSERT INTO dashboard_sign_in_failures(window_start, failures) VALUES(?, 1) "
                    "ON CONFLICT(window_start) DO UPDATE SET failures = dashboard_sign_in_failures.failures + 1");
        q.bind(1, now - now % kSignInWindow);
        q.exec();
    });
}

int64_t sign_in_retry_after(int64_t now) { return kSignInWindow - now % kSignInWindow; }

}  // namespace mj
