// Spool files of held mail rows (overflow_hold, spam_quarantine, failed_emails: share/schema.md
// "Mail the service holds"): whoever deletes such a row deletes its file, after the commit.
//
// Used from a retention Policy's before_delete hook: collect() runs inside batch N's transaction
// and remembers that batch's paths; batch N-1 has committed by then, so its files are removed
// first. After purge() returns, remove_committed() removes the last batch's files; if purge()
// threw, that batch rolled back and drop_pending() forgets its paths (the files stay with their
// rows). A kill -9 between a commit and the unlink leaves a file without a row (disk space, never
// a message lost); rows are never left pointing at a deleted file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/job.h"

namespace mj {

// Where spool_path `p` (relative to `dir`, or absolute) may be used: `refused` says why not (outside
// the folder, ".."); `missing` = its folder does not exist (error: why, if not ENOENT); else `path`
// is the file by its resolved folder. Deletion and forward-retry's resend both go through it.
struct SpoolPath {
    std::string path;
    const char* refused = nullptr;
    bool missing = false;
    std::string error;
};
SpoolPath resolve_spool_path(const std::string& dir, const std::string& p);

class SpoolFiles {
public:
    // dir: the folder relative spool_path values are relative to. Only files inside it (after
    // resolving symlinks of their folder) are deleted; absolute paths elsewhere, ".." components
    // and everything when dir is "" are refused with a warning (the file stays).
    // column: the row's file column ("spool_path"; exports use "path", relative to [export] dir);
    // counter: the history count of files removed.
    SpoolFiles(JobContext& ctx, std::string dir, std::string column = "spool_path", std::string counter = "spool_files")
        : ctx_(ctx), dir_(std::move(dir)), column_(std::move(column)), counter_(std::move(counter)) {}
    void collect(const std::string& table, const std::vector<int64_t>& ids);
    void remove_committed();
    void drop_pending() { pending_.clear(); }

private:
    JobContext& ctx_;
    std::string dir_, column_, counter_;
    std::vector<std::string> pending_;
};

}  // namespace mj
