#include "api/export_download.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/db_error.h"
#include "core/digest.h"
#include "core/error.h"
#include "core/log.h"
#include "core/startup.h"
#include "jobs/spool_files.h"

namespace mj {
namespace {

const std::string kPrefix = "/exports/";

// random_token(32): 43 characters of base64url. Anything else is not a token (404 without a lookup).
bool looks_like_token(const std::string& t) {
    if (t.size() != 43) return false;
    for (char c : t)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    return true;
}

void write_text(int status, const std::string& text, bool with_body, const Headers& headers = {}) {
    std::string out = "Status: " + std::to_string(status) + " " + status_text(status) + "\r\n" +
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Length: " + std::to_string(text.size() + 1) + "\r\n"
                      "Cache-Control: no-store\r\n"
                      "X-Content-Type-Options: nosniff\r\n"
                      "Referrer-Policy: no-referrer\r\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    if (with_body) out += text + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
}

struct Found {
    int64_t id = 0;
    std::string status, path, token_hash;
    int64_t expires_at = 0, downloads = 0, completed_at = 0;
};

}  // namespace

bool is_export_download(const std::string& path) { return path.rfind(kPrefix, 0) == 0 && path.size() > kPrefix.size(); }

int serve_export_download(const CgiRequest& req, const Config& config, std::string& error) {
    const bool body = req.method != "HEAD";
    if (req.method == "OPTIONS") {
        write_no_content_response({{"Allow", "GET, HEAD, OPTIONS"}});
        return 204;
    }
    if (req.method != "GET" && req.method != "HEAD") {
        write_text(405, "Use GET to download this export.", body, {{"Allow", "GET, HEAD, OPTIONS"}});
        return 405;
    }
    const std::string path = req.path.rfind("/api/", 0) == 0 ? req.path.substr(4) : req.path;  // /api prefix as elsewhere
    const std::string token = path.substr(kPrefix.size());
    const char* const unknown = "There is no export at this link. Check that the whole link was copied.";
    if (!looks_like_token(token)) {
        write_text(404, unknown, body);
        return 404;
    }
    try {
        auto db = open_database(config, /*create=*/false);
        const int64_t now = static_cast<int64_t>(std::time(nullptr));
        const std::string hash = sha256_hex(token);
        Found f;
        {
            Statement q(*db, "SELECT id, status, coalesce(path, ''), token_hash, coalesce(expires_at, 0), downloads, "
                             "coalesce(completed_at, 0) FROM exports WHERE token_hash = ?");
            q.bind(1, hash);
            if (q.step()) {
                f.id = q.column(0).as_int64();
                f.status = q.column(1).as_text();
                f.path = q.column(2).as_text();
                f.token_hash = q.column(3).as_text();
                f.expires_at = q.column(4).as_int64();
                f.downloads = q.column(5).as_int64();
                f.completed_at = q.column(6).as_int64();
            }
        }
        // The index found it by hash; the constant-time comparison makes the answer's timing say
        // nothing about how much of a guessed hash matched.
        if (!f.id || f.token_hash.size() != hash.size() || CRYPTO_memcmp(f.token_hash.data(), hash.data(), hash.size()) != 0) {
            write_text(404, unknown, body);
            return 404;
        }
        const int64_t max_downloads = config.integer("export", "max_downloads");
        const char* const gone = "This download link has expired or has been used up. Ask for a new export in your account.";
        if (f.status != "ready" || f.expires_at <= now || f.downloads >= max_downloads || f.path.empty()) {
            write_text(410, gone, body);
            return 410;
        }
        SpoolPath sp = resolve_spool_path(config.path("export", "dir"), f.path);
        int fd = sp.refused || sp.missing ? -1 : open(sp.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st {};
        if (fd < 0 || fstat(fd, &st) != 0) {
            // The row says ready but the file is gone (deleted by hand, or the disk lost it).
            if (fd >= 0) close(fd);
            error = "export " + std::to_string(f.id) + ": archive file missing in [export] dir";
            write_text(410, gone, body);
            return 410;
        }
        if (body) {
            // One download, counted before the bytes go (a link used up mid-way by parallel
            // downloads answers 410 to the one past the limit).
            int counted = 0;
            db->write([&] {
                Statement u(*db, "UPDATE exports SET downloads = downloads + 1, last_download_at = ? WHERE id = ? "
                                 "AND status = 'ready' AND downloads < ? AND expires_at > ?");
                u.bind(1, now);
                u.bind(2, f.id);
                u.bind(3, max_downloads);
                u.bind(4, now);
                counted = u.exec();
            });
            if (!counted) {
                close(fd);
                write_text(410, gone, body);
                return 410;
            }
        }
        db.reset();  // the database is not needed while the bytes stream
        const std::string date = format_utc(f.completed_at ? f.completed_at : now, "%Y-%m-%d");
        std::string head = "Status: 200 OK\r\n"
                           "Content-Type: application/zip\r\n"
                           "Content-Length: " + std::to_string(static_cast<long long>(st.st_size)) + "\r\n"
                           "Content-Disposition: attachment; filename=\"account-export-" + date + ".zip\"\r\n"
                           "Cache-Control: no-store\r\n"
                           "X-Content-Type-Options: nosniff\r\n"
                           "Referrer-Policy: no-referrer\r\n\r\n";
        std::fwrite(head.data(), 1, head.size(), stdout);
        if (body) {
            static char buf[1 << 16];  // streamed: memory stays this, whatever the archive's size
            ssize_t n;
            while ((n = read(fd, buf, sizeof buf)) > 0)
                if (std::fwrite(buf, 1, static_cast<size_t>(n), stdout) != static_cast<size_t>(n)) break;  // client gone
        }
        std::fflush(stdout);
        close(fd);
        return 200;
    } catch (const DbError& e) {
        error = std::string("database: ") + e.what();
        write_text(503, "The service is busy. Try the link again in a minute.", body, {{"Retry-After", "5"}});
        return 503;
    } catch (const Error& e) {
        error = e.what();
        write_text(503, "The service is not available. Try the link again later.", body, {{"Retry-After", "60"}});
        return 503;
    }
}

}  // namespace mj
