#include "core/sqlite_open.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.h"
#include "core/sqlite_db.h"

namespace mj {
namespace {

[[noreturn]] void fail(const std::string& message) { throw Error(kExitDatabase, message); }

std::string folder_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// Checks everything we can without opening the file through SQLite, so that a refusal never
// leaves a trace (no -wal/-shm, no header change).
void check_before_open(const std::string& path) {
    std::string folder = folder_of(path);
    struct stat st {};
    if (stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail("database folder '" + folder + "' does not exist (create it: mkdir -p " + folder + ")");
    bool folder_writable = access(folder.c_str(), W_OK) == 0 && (st.st_mode & 0222) != 0;
    if (stat(path.c_str(), &st) != 0) {
        if (!folder_writable)
            fail("cannot create database in '" + folder + "': folder is not writable");
        return;  // a new database
    }
    if (!S_ISREG(st.st_mode)) fail("database '" + path + "' is not a regular file");
    // Mode bits, not just access(): root passes access() on a 0444 file, but the operator who made
    // the file read-only meant it.
    if ((st.st_mode & 0222) == 0 || access(path.c_str(), W_OK) != 0)
        fail("database '" + path + "' is read-only (mailjobs needs to write it: chmod 600 " + path + ")");
    if (!folder_writable)
        fail("database folder '" + folder + "' is not writable (SQLite keeps its -wal and -shm files there)");
    if (st.st_size == 0) return;
    char header[16] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(header, sizeof header);
    if (!in || std::memcmp(header, "SQLite format 3", 16) != 0)
        fail("'" + path + "' is not a SQLite database");
}

// A new database file with exactly `mode` (not mode & ~umask: the operator asked for that mode).
// O_EXCL: if another process created it meanwhile, that file is used as it is and never chmod'ed.
void create_file(const std::string& path, int mode) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
    if (fd < 0) {
        if (errno == EEXIST) return;
        fail("cannot create database '" + path + "': " + std::strerror(errno));
    }
    const bool ok = fchmod(fd, static_cast<mode_t>(mode)) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        fail("cannot set mode of new database '" + path + "': " + std::strerror(err));
    }
}

}  // namespace

std::string sqlite_file_problem(const std::string& path) {
    try {
        check_before_open(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::unique_ptr<Db> open_sqlite(const std::string& path, int64_t busy_timeout_ms, const DbOpenOptions& options) {
    check_before_open(path);
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
        if (!options.create) fail("database '" + path + "' does not exist");
        create_file(path, options.create_mode);
    }
    try {
        return std::make_unique<SqliteDb>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, busy_timeout_ms);
    } catch (const DbError& e) {
        fail("cannot open database '" + path + "': " + e.what());
    }
}

std::unique_ptr<Db> open_sqlite_plain(const std::string& path, int64_t busy_timeout_ms, Db::Access access) {
    // OPEN_READONLY never creates the file and never writes it.
    const int flags = access == Db::Access::read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE;
    return std::make_unique<SqliteDb>(path, flags, busy_timeout_ms);
}

std::unique_ptr<Db> open_sqlite_scratch() {
    return std::make_unique<SqliteDb>(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 0);
}

}  // namespace mj

namespace mj {
namespace {

// Whether another process holds a POSIX lock on bytes [start, start + len) of `path` that a write
// lock would conflict with. F_GETLK reports other processes' locks only.
bool locked_by_other(const std::string& path, off_t start, off_t len) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    const bool locked = ::fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    ::close(fd);
    return locked;
}

}  // namespace

// SQLite's unix VFS: every connection to a WAL database holds a shared lock on the -shm file's
// "dead man switch" byte (offset 128) for as long as it is open; a connection in rollback mode holds
// a lock in the database file's lock range (PENDING_BYTE 0x40000000: pending, reserved, and 510
// shared bytes) while it reads or writes.
bool sqlite_open_elsewhere(const std::string& path) {
    return locked_by_other(path + "-shm", 128, 1) || locked_by_other(path, 0x40000000, 512);
}

}  // namespace mj
