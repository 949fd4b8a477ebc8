#include "core/backup_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <vector>

#include "core/digest.h"
#include "core/files.h"

namespace mj {
namespace {

constexpr const char* kPrefix = "mailjobs-";
constexpr const char* kSuffix = ".db.gz";
constexpr const char* kPart = ".part";
constexpr size_t kChunk = 1 << 20;

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Removes the files it names when the scope ends without keep().
struct Parts {
    std::vector<std::string> paths;
    ~Parts() {
        for (const auto& p : paths) ::unlink(p.c_str());
    }
    void keep() { paths.clear(); }
};

// What PRAGMA integrity_check says of the database at `path`: "ok" or its first complaint.
std::string integrity_of(const std::string& path) {
    auto copy = Db::open_plain(path, 1000, Db::Access::read_only);
    Statement q = copy->query("PRAGMA integrity_check");
    return q.step() ? q.column(0).as_text() : "no answer";
}

// gzip `from` into `to` (a new file, 0600); returns the SHA-256 of what was read.
std::string compress(const std::string& from, const std::string& to, int level, const std::function<bool()>& keep_going,
                     bool* stopped) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) throw std::runtime_error("cannot read " + from + ": " + std::strerror(errno));
    const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        const int err = errno;
        ::close(in);
        throw std::runtime_error("cannot create " + to + ": " + std::strerror(err));
    }
    char mode[4] = {'w', 'b', static_cast<char>('0' + (level < 1 ? 1 : level > 9 ? 9 : level)), 0};
    gzFile gz = gzdopen(out, mode);  // owns `out` from here
    if (!gz) {
        ::close(in), ::close(out);
        throw std::runtime_error("cannot start compressing " + to);
    }
    Sha256 sha;
    std::vector<char> buf(kChunk);
    std::string error;
    for (;;) {
        if (keep_going && !keep_going()) {
            *stopped = true;
            break;
        }
        const ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = "cannot read " + from + ": " + std::strerror(errno);
            break;
        }
        if (n == 0) break;
        sha.update(buf.data(), static_cast<size_t>(n));
        if (gzwrite(gz, buf.data(), static_cast<unsigned>(n)) != static_cast<int>(n)) {
            int zerr = 0;
            const char* msg = gzerror(gz, &zerr);
            error = "cannot write " + to + ": " + (zerr == Z_ERRNO ? std::strerror(errno) : msg);
            break;
        }
    }
    ::close(in);
    const int zrc = gzclose(gz);
    if (error.empty() && !*stopped && zrc != Z_OK)
        error = "cannot write " + to + " (the disk may be full): " + (zrc == Z_ERRNO ? std::strerror(errno) : "zlib error");
    if (!error.empty()) throw std::runtime_error(error);
    return sha.hex();
}

// Decompresses `file` into `out` (a new file, 0600, fsynced) when `out` is not empty, and returns
// the SHA-256 and size of its content. Throws with the reason when it is not a complete gzip file.
std::string gunzip(const std::string& file, const std::string& out, int64_t* bytes) {
    const int in = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) throw std::runtime_error("cannot read " + file + ": " + std::strerror(errno));
    gzFile gz = gzdopen(in, "rb");
    if (!gz) {
        ::close(in);
        throw std::runtime_error("cannot read " + file);
    }
    int fd = -1;
    if (!out.empty()) {
        fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            const int err = errno;
            gzclose(gz);
            throw std::runtime_error("cannot create " + out + ": " + std::strerror(err));
        }
    }
    Sha256 sha;
    std::vector<char> buf(kChunk);
    std::string error;
    *bytes = 0;
    for (;;) {
        const int n = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()));
        if (n < 0) {
            int zerr = 0;
            error = std::string(file + " is damaged: ") + gzerror(gz, &zerr);
            break;
        }
        if (n == 0) break;
        sha.update(buf.data(), static_cast<size_t>(n));
        *bytes += n;
        for (int done = 0; fd >= 0 && done < n;) {
            const ssize_t w = ::write(fd, buf.data() + done, static_cast<size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                error = "cannot write " + out + ": " + std::strerror(errno);
                break;
            }
            done += static_cast<int>(w);
        }
        if (!error.empty()) break;
    }
    // gzread() reports a file cut short as a plain end: gzeof() is true only after a whole member.
    if (error.empty() && !gzeof(gz)) error = file + " is truncated";
    gzclose(gz);
    if (fd >= 0) {
        if (error.empty() && ::fsync(fd) != 0) error = "cannot write " + out + ": " + std::strerror(errno);
        ::close(fd);
    }
    if (!error.empty()) throw std::runtime_error(error);
    return sha.hex();
}

// Copies `file` byte for byte into `out` (a new file, 0600, fsynced).
void copy_plain(const std::string& file, const std::string& out) {
    const int in = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) throw std::runtime_error("cannot read " + file + ": " + std::strerror(errno));
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        ::close(in);
        throw std::runtime_error("cannot create " + out + ": " + std::strerror(err));
    }
    std::vector<char> buf(kChunk);
    std::string error;
    for (;;) {
        const ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n < 0) error = "cannot read " + file + ": " + std::strerror(errno);
            break;
        }
        if (::write(fd, buf.data(), static_cast<size_t>(n)) != n) {
            error = "cannot write " + out + ": " + std::strerror(errno);
            break;
        }
    }
    if (error.empty() && ::fsync(fd) != 0) error = "cannot write " + out + ": " + std::strerror(errno);
    ::close(in), ::close(fd);
    if (!error.empty()) throw std::runtime_error(error);
}

}  // namespace

std::string backup_name(int64_t at) {
    const std::time_t t = static_cast<std::time_t>(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return std::string(kPrefix) + buf + kSuffix;
}

std::optional<int64_t> backup_time(const std::string& name) {
    // mailjobs-YYYYMMDDTHHMMSSZ[-N].db.gz
    const size_t stamp = std::strlen(kPrefix);
    if (name.compare(0, stamp, kPrefix) != 0 || !ends_with(name, kSuffix) || name.size() < stamp + 16 + std::strlen(kSuffix))
        return std::nullopt;
    std::tm tm{};
    const char* end = strptime(name.c_str() + stamp, "%Y%m%dT%H%M%SZ", &tm);
    if (!end) return std::nullopt;
    const std::string rest(end);
    if (rest != kSuffix && !(rest.size() > std::strlen(kSuffix) + 1 && rest[0] == '-')) return std::nullopt;
    return static_cast<int64_t>(timegm(&tm));
}

std::optional<BackupFile> write_backup(Db& db, const std::string& dir, int64_t at, const BackupSteps& steps) {
    make_private_dirs(dir, "backup folder");
    // Two backups in one second (migrate's, then the job's) get -2, -3, ...
    std::string name = backup_name(at);
    for (int n = 2; file_size(dir + "/" + name) >= 0 || file_size(dir + "/" + name + kPart) >= 0; ++n)
        name = backup_name(at).insert(backup_name(at).size() - std::strlen(kSuffix), "-" + std::to_string(n));
    const std::string final_path = dir + "/" + name;
    const std::string copy_path = final_path.substr(0, final_path.size() - 3) + kPart;  // NAME.db.part
    const std::string gz_path = final_path + kPart;                                    // NAME.db.gz.part
    Parts parts;
    parts.paths = {copy_path, copy_path + "-journal", gz_path};

    BackupFile b;
    {
        auto copy = db.copy_to(copy_path);
        while (!copy->step(steps.pages_per_step))
            if (steps.keep_going && !steps.keep_going()) return std::nullopt;
        b.pages = copy->pages_total();
    }
    const std::string integrity = integrity_of(copy_path);
    if (integrity != "ok") throw std::runtime_error("the copy failed integrity_check: " + integrity);
    fsync_file(copy_path);
    b.db_bytes = file_size(copy_path);

    bool stopped = false;
    b.sha256 = compress(copy_path, gz_path, steps.compress_level, steps.keep_going, &stopped);
    if (stopped) return std::nullopt;
    fsync_file(gz_path);
    // Read back what is on disk: the same content, whole.
    int64_t bytes = 0;
    if (gunzip(gz_path, "", &bytes) != b.sha256 || bytes != b.db_bytes)
        throw std::runtime_error("the compressed backup " + gz_path + " does not read back as the copy");
    publish_file(gz_path, final_path);
    ::unlink(copy_path.c_str());
    parts.keep();
    b.path = final_path;
    b.file_bytes = file_size(final_path);
    return b;
}

bool is_backup_part_name(const std::string& name) {
    return name.compare(0, std::strlen(kPrefix), kPrefix) == 0 &&
           (ends_with(name, kPart) || ends_with(name, std::string(kPart) + "-journal"));
}

int remove_backup_parts(const std::string& dir) {
    int n = 0;
    for (const auto& name : list_files(dir))
        if (is_backup_part_name(name) && ::unlink((dir + "/" + name).c_str()) == 0) ++n;
    return n;
}

int unpack_backup(const std::string& file, const std::string& out) {
    if (file_size(file) < 0) throw std::runtime_error("no such file: " + file);
    Parts parts;
    parts.paths = {out};
    if (ends_with(file, ".gz")) {
        int64_t bytes = 0;
        gunzip(file, out, &bytes);
    } else {
        copy_plain(file, out);  // a plain copy (an operator's own): checked the same way
    }
    char header[16] = {};
    FILE* f = std::fopen(out.c_str(), "rb");
    const bool is_db = f && std::fread(header, 1, sizeof header, f) == sizeof header && std::memcmp(header, "SQLite format 3", 16) == 0;
    if (f) std::fclose(f);
    if (!is_db) throw std::runtime_error(file + " does not hold a SQLite database");
    std::string integrity;
    int version = 0;
    try {
        integrity = integrity_of(out);
        version = Db::open_plain(out, 1000, Db::Access::read_only)->schema_version();
    } catch (const DbError& e) {
        throw std::runtime_error(file + " is damaged: " + e.what());
    }
    if (integrity != "ok") throw std::runtime_error(file + " failed integrity_check: " + integrity);
    parts.keep();
    return version;
}

}  // namespace mj
