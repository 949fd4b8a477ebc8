#include "jobs/spool_files.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "retention/sql_text.h"

namespace mj {

void SpoolFiles::collect(const std::string& table, const std::vector<int64_t>& ids) {
    remove_committed();
    SQLite::Statement q(ctx_.db.sql(), "SELECT spool_path FROM \"" + table + "\" WHERE spool_path IS NOT NULL AND id IN (" +
                                           rowid_list(ids) + ")");
    while (q.executeStep()) pending_.push_back(q.getColumn(0).getString());
}

namespace {

// True when `p` has a ".." component: such a path could leave the spool folder.
bool climbs(const std::string& p) {
    return p == ".." || p.rfind("../", 0) == 0 || p.find("/../") != std::string::npos ||
           (p.size() >= 3 && p.compare(p.size() - 3, 3, "/..") == 0);
}

}  // namespace

// Only a file inside the spool folder is ever deleted: spool_path comes from a table the
// application (or anyone who can write the database) fills, so an absolute path (/home/u/jobs.ini),
// a "../" path or a symlinked folder pointing elsewhere must not reach unlink(). The folder that
// holds the file is resolved with realpath() and must be the spool folder or below it; the file
// itself is unlinked by name in that resolved folder, so a symlink is removed, never its target.
void SpoolFiles::remove_committed() {
    int64_t removed = 0;
    std::string root;
    if (!dir_.empty()) {
        if (char* r = realpath(dir_.c_str(), nullptr)) root = r, std::free(r);
    }
    for (const auto& p : pending_) {
        auto refuse = [&](const char* why) { ctx_.warn("spool_path_refused", {{"path", p}, {"spool_dir", dir_}, {"reason", why}}); };
        if (p.empty() || climbs(p)) {
            refuse("the path leaves the spool folder");
            continue;
        }
        if (dir_.empty()) {
            refuse("no spool_dir configured");
            continue;
        }
        if (root.empty()) {
            refuse("the spool folder cannot be resolved");
            continue;
        }
        const std::string full = p[0] == '/' ? p : dir_ + "/" + p;
        const auto slash = full.rfind('/');
        const std::string name = full.substr(slash + 1);
        if (name.empty() || name == "." || name == "..") {
            refuse("the path names a folder");
            continue;
        }
        char* parent_c = realpath(full.substr(0, slash == 0 ? 1 : slash).c_str(), nullptr);
        if (!parent_c) {
            if (errno != ENOENT) ctx_.warn("spool_unlink_failed", {{"path", full}, {"error", std::strerror(errno)}});
            continue;  // its folder is gone: so is the file
        }
        const std::string parent = parent_c;
        std::free(parent_c);
        if (parent != root && parent.compare(0, root.size() + 1, root + "/") != 0) {
            refuse("the file is outside the spool folder");
            continue;
        }
        const std::string target = parent + "/" + name;
        if (unlink(target.c_str()) == 0) ++removed;
        else if (errno != ENOENT) ctx_.warn("spool_unlink_failed", {{"path", target}, {"error", std::strerror(errno)}});
    }
    pending_.clear();
    ctx_.counts.add("spool_files", removed);
}

}  // namespace mj
