#include "jobs/audit_archive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace mj {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw std::runtime_error("audit archive: " + what + " '" + path + "': " + std::strerror(errno));
}

// Closes the descriptor on every path out of a scope.
struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    ~Fd() { if (fd >= 0) ::close(fd); }
};

void make_dirs(const std::string& dir) {
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
        if (pos != dir.size() && dir[pos] != '/') continue;
        std::string part = dir.substr(0, pos);
        if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) fail("cannot create folder", part);
    }
    struct stat st {};
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) fail("not a folder", dir);
    if ((st.st_mode & 07777) != 0700 && chmod(dir.c_str(), 0700) != 0) fail("cannot set mode 0700 on", dir);
}

void write_all(int fd, const std::string& data, const std::string& path) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("cannot write", path);
        done += static_cast<size_t>(n);
    }
}

void fsync_path(const std::string& path, int flags) {
    Fd f(::open(path.c_str(), flags | O_CLOEXEC));
    if (f.fd < 0) fail("cannot open", path);
    if (::fsync(f.fd) != 0) fail("cannot fsync", path);
}

}  // namespace

const char* const kAuditArchiveColumns = "id, user_id, actor, action, target, critical, details, ip, created_at";

std::string audit_archive_line(Statement& q) {
    nlohmann::ordered_json j;
    auto opt_int = [&](int i) { return q.column(i).is_null() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(q.column(i).as_int64()); };
    auto opt_str = [&](int i) { return q.column(i).is_null() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(q.column(i).as_text()); };
    j["id"] = q.column(0).as_int64();
    j["user_id"] = opt_int(1);
    j["actor"] = opt_str(2);
    j["action"] = opt_str(3);
    j["target"] = opt_str(4);
    j["critical"] = q.column(5).as_int64();
    std::string details = q.column(6).as_text();
    auto parsed = nlohmann::ordered_json::parse(details, nullptr, false);
    j["details"] = parsed.is_discarded() ? nlohmann::ordered_json(details) : parsed;
    j["ip"] = opt_str(7);
    j["created_at"] = q.column(8).as_int64();
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string gzip_member(const std::string& data) {
    z_stream s{};
    // windowBits 15 + 16: a gzip header and trailer (CRC-32, size) instead of zlib's.
    if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("audit archive: deflateInit2 failed");
    std::string out(deflateBound(&s, data.size()) + 32, '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = reinterpret_cast<Bytef*>(&out[0]);
    s.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&s, Z_FINISH);
    out.resize(s.total_out);
    deflateEnd(&s);
    if (rc != Z_STREAM_END) throw std::runtime_error("audit archive: deflate failed");
    return out;
}

std::string AuditArchive::file_name(int64_t created_at) {
    std::time_t t = static_cast<std::time_t>(created_at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "audit-%Y-%m-%d.jsonl.gz", &tm);
    return buf;
}

int64_t AuditArchive::repair(const std::string& path) {
    Fd f(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (f.fd < 0) {
        if (errno == ENOENT) return 0;
        fail("cannot open", path);
    }
    z_stream s{};
    if (inflateInit2(&s, 15 + 16) != Z_OK) throw std::runtime_error("audit archive: inflateInit2 failed");
    static thread_local char in[1 << 16], out[1 << 16];
    int64_t base = 0, good = 0;
    bool broken = false;
    while (!broken) {
        ssize_t n = ::read(f.fd, in, sizeof in);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { inflateEnd(&s); fail("cannot read", path); }
        if (n == 0) break;
        s.next_in = reinterpret_cast<Bytef*>(in);
        s.avail_in = static_cast<uInt>(n);
        while (s.avail_in > 0) {
            s.next_out = reinterpret_cast<Bytef*>(out);
            s.avail_out = sizeof out;
            int rc = inflate(&s, Z_NO_FLUSH);
            if (rc == Z_STREAM_END) {
                good = base + (n - s.avail_in);  // end of a complete member (CRC checked)
                inflateReset(&s);
            } else if (rc != Z_OK) {
                broken = true;  // not gzip from here on: cut at the last good member
                break;
            }
        }
        base += n;
    }
    inflateEnd(&s);
    if (good == base) return 0;
    if (::ftruncate(f.fd, good) != 0) fail("cannot truncate", path);
    if (::fsync(f.fd) != 0) fail("cannot fsync", path);
    return base - good;
}

AuditArchive::AuditArchive(std::string dir) : dir_(std::move(dir)) {
    while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
    make_dirs(dir_);
}

int64_t AuditArchive::prepared_size(const std::string& name) {
    std::string path = dir_ + "/" + name;
    if (repaired_.insert(path).second) repair(path);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return 0;
        fail("cannot stat", path);
    }
    return static_cast<int64_t>(st.st_size);
}

void AuditArchive::cut(const std::string& name, int64_t size) {
    std::string path = dir_ + "/" + name;
    repaired_.insert(path);  // cut to a known member boundary: no repair needed after this
    Fd f(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (f.fd < 0 && !(errno == ENOENT && size == 0)) fail("cannot open", path);
    if (f.fd < 0) return;  // never written: nothing to cut
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) fail("cannot stat", path);
    if (st.st_size == size) return;
    if (st.st_size < size) {
        errno = 0;
        throw std::runtime_error("audit archive: '" + path + "' has " + std::to_string(st.st_size) + " bytes, " +
                                 std::to_string(size) + " were written to it: the file was changed by hand; the rows stay in the table");
    }
    if (::ftruncate(f.fd, size) != 0) fail("cannot truncate", path);
    if (::fsync(f.fd) != 0) fail("cannot fsync", path);
}

void AuditArchive::append(const std::vector<ArchiveLine>& lines) {
    std::map<std::string, std::string> by_file;
    for (const auto& l : lines) {
        std::string& text = by_file[file_name(l.created_at)];
        text += l.json;
        text += '\n';
    }
    for (const auto& [name, text] : by_file) {
        std::string path = dir_ + "/" + name;
        if (repaired_.insert(path).second) repair(path);
        Fd f(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
        if (f.fd < 0) fail("cannot open", path);
        if (::fchmod(f.fd, 0600) != 0) fail("cannot set mode 0600 on", path);  // umask or an older file
        write_all(f.fd, gzip_member(text), path);
        if (::fsync(f.fd) != 0) fail("cannot fsync", path);
    }
    // A new file's name is durable only once its folder is.
    if (!by_file.empty()) fsync_path(dir_, O_RDONLY | O_DIRECTORY);
}

}  // namespace mj
