#include "jobs/spool_files.h"

#include <unistd.h>

#include <cerrno>
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

void SpoolFiles::remove_committed() {
    int64_t removed = 0;
    for (const auto& p : pending_) {
        if (p.empty() || climbs(p) || (p[0] != '/' && dir_.empty())) {
            ctx_.warn("spool_path_refused", {{"path", p}, {"spool_dir", dir_}});
            continue;
        }
        std::string full = p[0] == '/' ? p : dir_ + "/" + p;
        if (unlink(full.c_str()) == 0) ++removed;
        else if (errno != ENOENT) ctx_.warn("spool_unlink_failed", {{"path", full}, {"error", std::strerror(errno)}});
    }
    pending_.clear();
    ctx_.counts.add("spool_files", removed);
}

}  // namespace mj
