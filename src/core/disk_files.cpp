#include "core/disk_files.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/db.h"
#include "core/user_data.h"

namespace mj {
namespace {

// Every job that reads or deletes held mail files names the folder they are in; account-deletion
// and account-export use the one of forward-retry, the others may have their own. The rows do
// not say which job's folder they mean, so any spool row keeps a file in any spool folder.
const char* const kSpoolKeys[][2] = {
    {"job.forward-retry", "spool_dir"},
    {"job.failed-email-expiry", "spool_dir"},
    {"job.overflow-hold-expiry", "spool_dir"},
    {"job.spam-quarantine-expiry", "spool_dir"},
    {"job.account-deletion", "spool_dir"},
};

std::string cwd() {
    char buf[PATH_MAX];
    return getcwd(buf, sizeof buf) ? buf : "/";
}

// "." and ".." folded, "//" collapsed; `p` absolute.
std::string fold(const std::string& p) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= p.size()) {
        size_t j = p.find('/', i);
        if (j == std::string::npos) j = p.size();
        const std::string part = p.substr(i, j - i);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        i = j + 1;
    }
    std::string out;
    for (const auto& part : parts) out += "/" + part;
    return out.empty() ? "/" : out;
}

std::string folder_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

void walk(const std::string& dir, bool recursive, int depth, int64_t& total) {
    DIR* d = opendir(dir.c_str());
    if (!d) return;
    while (dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        if (lstat((dir + "/" + name).c_str(), &st) != 0) continue;
        if (S_ISREG(st.st_mode)) total += st.st_size;
        else if (S_ISDIR(st.st_mode) && recursive && depth < 16) walk(dir + "/" + name, true, depth + 1, total);
    }
    closedir(d);
}

std::string human(int64_t b) {
    char buf[32];
    if (b >= (1LL << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", b / 1073741824.0);
    else if (b >= (1LL << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", b / 1048576.0);
    else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
    else std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(b));
    return buf;
}

}  // namespace

std::vector<std::string> spool_folders(const Config& config) {
    std::vector<std::string> out;
    for (const auto& k : kSpoolKeys) {
        if (!config.has(k[0], k[1])) continue;
        const std::string dir = config.path(k[0], k[1]);
        if (dir.empty()) continue;
        bool seen = false;
        for (const auto& o : out) seen = seen || resolved_path(o) == resolved_path(dir);
        if (!seen) out.push_back(dir);
    }
    return out;
}

std::vector<FileColumnFolder> file_column_folders(const Config& config) {
    std::vector<FileColumnFolder> out;
    for (const auto& e : user_data_tables())
        for (const char* column : e.file_columns) {
            const std::string c = column;
            if (c == "spool_path") {
                for (const auto& dir : spool_folders(config)) out.push_back({e.table, c, dir, "spool"});
            } else if (std::string(e.table) == "exports" && c == "path") {
                out.push_back({e.table, c, config.path("export", "dir"), "exports"});
            } else {
                throw std::logic_error(std::string("file column ") + e.table + "." + column +
                                       " has no folder in core/disk_files.cpp: say where its files are");
            }
        }
    return out;
}

std::string resolved_path(const std::string& path) {
    std::string abs = fold(path.empty() || path[0] != '/' ? cwd() + "/" + path : path);
    // The longest existing prefix through realpath (symlinks), the rest as written.
    std::string head = abs, tail;
    for (;;) {
        if (char* r = realpath(head.c_str(), nullptr)) {
            std::string out = r;
            std::free(r);
            return fold(out + tail);
        }
        if (head == "/") return abs;
        const auto slash = head.rfind('/');
        tail = head.substr(slash) + tail;
        head = slash == 0 ? "/" : head.substr(0, slash);
    }
}

bool holds_folder(const std::string& a, const std::string& b) {
    if (a == b || a == "/") return true;
    return b.size() > a.size() && b.compare(0, a.size(), a) == 0 && b[a.size()] == '/';
}

std::string spool_folder_refusal(const Config& config, const std::string& spool) {
    const std::string me = resolved_path(spool);
    // A PostgreSQL URL names no folder here (its folder_of would be a piece of the URL).
    const std::string database = config.path("general", "database");
    std::vector<std::pair<std::string, std::string>> others = {
        {"the database's folder", Db::is_server(database) ? "" : folder_of(database)},
        {"[export] dir", config.path("export", "dir")},
        {"[backup] dir", config.path("backup", "dir")},
        {"[job.audit-log-cleanup] archive_dir", config.path("job.audit-log-cleanup", "archive_dir")},
        {"[mail] maildir_path", config.path("mail", "maildir_path")},
    };
    if (config.file_found()) others.push_back({"the folder of jobs.ini", folder_of(config.file())});
    const std::string log = config.str("general", "log_file");
    if (log != "-" && !log.empty()) others.push_back({"the log's folder", folder_of(config.path("general", "log_file"))});
    if (const char* home = std::getenv("HOME"); home && *home) others.push_back({"the home folder $HOME", home});
    for (const auto& dir : spool_folders(config))
        if (resolved_path(dir) != me) others.push_back({"another spool folder", dir});
    for (const auto& [what, dir] : others) {
        if (dir.empty()) continue;
        const std::string r = resolved_path(dir);
        if (holds_folder(me, r))
            return "it " + std::string(me == r ? "is" : "holds") + " " + what + " (" + r + "), so files that are not spool files live there";
    }
    return "";
}

int64_t folder_bytes(const std::string& dir, bool recursive) {
    int64_t total = 0;
    if (!dir.empty()) walk(dir, recursive, 0, total);
    return total;
}

nlohmann::json disk_usage(const Config& config) {
    auto size = [](const std::string& p) -> int64_t {
        struct stat st {};
        return stat(p.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
    };
    const std::string db = config.path("general", "database");
    int64_t spool = 0;
    for (const auto& dir : spool_folders(config)) spool += folder_bytes(dir, true);
    return {{"database", size(db)},
            {"wal", size(db + "-wal")},
            {"spool", spool},
            {"exports", folder_bytes(config.path("export", "dir"), false)},
            {"archives", folder_bytes(config.path("job.audit-log-cleanup", "archive_dir"), false)},
            {"backups", folder_bytes(config.path("backup", "dir"), false)}};
}

std::string disk_usage_text(const nlohmann::json& usage) {
    std::string out = "\ndisk:";
    const char* kinds[] = {"database", "wal", "spool", "exports", "archives", "backups"};
    bool first = true;
    for (const char* k : kinds) {
        if (!usage.contains(k)) continue;
        out += std::string(first ? " " : ", ") + k + " " + human(usage[k].get<int64_t>());
        first = false;
    }
    return out + "\n";
}

}  // namespace mj
