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
    Statement q(ctx_.db, "SELECT \"" + column_ + "\" FROM \"" + table + "\" WHERE \"" + column_ + "\" IS NOT NULL AND id IN (" +
                             rowid_list(ids) + ")");
    while (q.step()) pending_.push_back(q.column(0).as_text());
}

namespace {

// True when `p` has a ".." component: such a path could leave the spool folder.
bool climbs(const std::string& p) {
    return p == ".." || p.rfind("../", 0) == 0 || p.find("/../") != std::string::npos ||
           (p.size() >= 3 && p.compare(p.size() - 3, 3, "/..") == 0);
}

}  // namespace

// Only a file inside the spool folder is ever read or deleted: spool_path comes from a table the
// application (or anyone who can write the database) fills, so an absolute path (/home/u/jobs.ini),
// a "../" path or a symlinked folder pointing elsewhere must not reach unlink() or a resend. The
// folder that holds the file is resolved with realpath() and must be the spool folder or below it;
// the file itself is then used by name in that resolved folder (unlinked: a symlink is removed,
// never its target; read: opened with O_NOFOLLOW by the caller).
SpoolPath resolve_spool_path(const std::string& dir, const std::string& p) {
    SpoolPath out;
    if (p.empty() || climbs(p)) return out.refused = "the path leaves the spool folder", out;
    if (dir.empty()) return out.refused = "no spool_dir configured", out;
    std::string root;
    if (char* r = realpath(dir.c_str(), nullptr)) root = r, std::free(r);
    if (root.empty()) return out.refused = "the spool folder cannot be resolved", out;
    const std::string full = p[0] == '/' ? p : dir + "/" + p;
    const auto slash = full.rfind('/');
    const std::string name = full.substr(slash + 1);
    if (name.empty() || name == "." || name == "..") return out.refused = "the path names a folder", out;
    char* parent_c = realpath(full.substr(0, slash == 0 ? 1 : slash).c_str(), nullptr);
    if (!parent_c) {
        out.missing = true;  // its folder is gone: so is the file
        out.error = errno == ENOENT ? "" : std::strerror(errno);
        out.path = full;
        return out;
    }
    const std::string parent = parent_c;
    std::free(parent_c);
    if (parent != root && parent.compare(0, root.size() + 1, root + "/") != 0)
        return out.refused = "the file is outside the spool folder", out;
    out.path = parent + "/" + name;
    return out;
}

void SpoolFiles::remove_committed() {
    int64_t removed = 0;
    for (const auto& p : pending_) {
        SpoolPath sp = resolve_spool_path(dir_, p);
        if (sp.refused) {
            ctx_.warn("spool_path_refused", {{"path", p}, {"spool_dir", dir_}, {"reason", sp.refused}});
            continue;
        }
        if (sp.missing) {
            if (!sp.error.empty()) ctx_.warn("spool_unlink_failed", {{"path", sp.path}, {"error", sp.error}});
            continue;
        }
        const std::string& target = sp.path;
        if (unlink(target.c_str()) == 0) ++removed;
        else if (errno != ENOENT) ctx_.warn("spool_unlink_failed", {{"path", target}, {"error", std::strerror(errno)}});
    }
    pending_.clear();
    ctx_.counts.add(counter_, removed);
}

}  // namespace mj
