#include "api/backup_space.h"

#include <sys/statvfs.h>

#include <cstdio>

#include "core/backup_file.h"
#include "core/disk_files.h"
#include "core/files.h"

namespace mj {
namespace {

using S = CheckResult::Status;

std::string mib(int64_t b) {
    char buf[32];
    if (b >= (1LL << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", b / 1073741824.0);
    else std::snprintf(buf, sizeof buf, "%.1f MiB", b / 1048576.0);
    return buf;
}

// gzip's ISIZE: the uncompressed length mod 2^32, in the last 4 bytes (RFC 1952). Taken to the
// multiple of 2^32 nearest `near` (the database's size now), for backups past 4 GiB.
int64_t gzip_length(const std::string& path, int64_t near) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return 0;
    unsigned char t[4] = {};
    const bool ok = std::fseek(f, -4, SEEK_END) == 0 && std::fread(t, 1, 4, f) == 4;
    std::fclose(f);
    if (!ok) return 0;
    int64_t n = static_cast<int64_t>(t[0]) | static_cast<int64_t>(t[1]) << 8 | static_cast<int64_t>(t[2]) << 16 | static_cast<int64_t>(t[3]) << 24;
    while (n + (1LL << 31) < near) n += 1LL << 32;
    return n;
}

// The nearest folder of `dir` that exists (the backup folder is created by the first backup).
std::string existing(const std::string& dir) {
    std::string d = resolved_path(dir);
    while (d != "/" && file_size(d) < 0) d = d.substr(0, d.rfind('/') == 0 ? 1 : d.rfind('/'));
    return d;
}

}  // namespace

CheckResult backup_space_check(const Config& config, int64_t db_bytes) {
    const std::string dir = config.path("backup", "dir");
    // The newest backup gives the ratio.
    std::string newest;
    int64_t newest_at = -1;
    for (const auto& name : list_files(dir))
        if (auto at = backup_time(name); at && *at > newest_at) newest_at = *at, newest = name;
    double ratio = 1.0;
    std::string basis = "no backup yet: its gzip counted at full size";
    if (!newest.empty()) {
        const int64_t packed = file_size(dir + "/" + newest), plain = gzip_length(dir + "/" + newest, db_bytes);
        if (packed > 0 && plain > 0) {
            ratio = static_cast<double>(packed) / static_cast<double>(plain);
            char buf[96];
            std::snprintf(buf, sizeof buf, "the last backup compressed to %.0f %%", ratio * 100);
            basis = buf;
        }
    }
    const int64_t need = db_bytes + static_cast<int64_t>(static_cast<double>(db_bytes) * ratio);
    const std::string where = existing(dir);
    struct statvfs vs {};
    if (statvfs(where.c_str(), &vs) != 0) return {"backup.free", S::warn, "cannot read the free space of " + where, ""};
    const int64_t free_bytes = static_cast<int64_t>(vs.f_bavail) * static_cast<int64_t>(vs.f_frsize);
    const std::string detail = mib(free_bytes) + " free for [backup] dir " + dir + "; the next backup needs about " + mib(need) +
                               " at its peak (the " + mib(db_bytes) + " copy and its gzip; " + basis + ")";
    if (free_bytes < need)
        return {"backup.free", S::fail, detail,
                "free space there (old backups: set [backup] max_disk or lower keep_daily/keep_weekly), or point [backup] dir "
                "at a file system with room; until then the backup job fails and keeps nothing"};
    return {"backup.free", S::ok, detail, ""};
}

}  // namespace mj
