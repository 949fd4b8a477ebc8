#include "jobs/disk_sweep.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/backup_file.h"
#include "core/disk_files.h"
#include "core/files.h"
#include "jobs/account_export.h"

namespace mj {
namespace {

constexpr int64_t kReadBatch = 20000;  // rows per keyset read: ~10 ms of reading each
constexpr int kMaxDepth = 16;          // spool folders deeper than this are not walked

struct Candidate {
    std::string rel;   // path relative to its folder, as a row would name it
    int64_t bytes = 0;
    bool referenced = false;
};

// One folder the sweep looks at.
struct Folder {
    std::string kind;        // spool | exports | backups
    std::string dir;         // as configured
    std::string root;        // resolved
    std::vector<Candidate> files;  // old enough, sorted by rel
};

// Old regular files below `dir` (recursively for spool folders), filtered by `wanted` on the name.
void list_old(const std::string& dir, const std::string& rel, int depth, bool recursive, int64_t cutoff,
              bool (*wanted)(const std::string&), std::vector<Candidate>& out) {
    DIR* d = opendir(dir.c_str());
    if (!d) return;
    while (dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        const std::string path = dir + "/" + name;
        if (lstat(path.c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (recursive && depth < kMaxDepth) list_old(path, rel + name + "/", depth + 1, true, cutoff, wanted, out);
        } else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && st.st_mtime <= cutoff && (!wanted || wanted(name))) {
            out.push_back({rel + name, S_ISREG(st.st_mode) ? static_cast<int64_t>(st.st_size) : 0});
        }
    }
    closedir(d);
}

bool is_export_file(const std::string& n) { return is_export_partial_name(n) || is_export_archive_name(n); }

// What a row's value names inside `f`, relative to its folder; "" when it is outside.
std::string relative_to(const Folder& f, const std::string& value) {
    std::string v = value;
    if (!v.empty() && v[0] == '/') {
        for (const std::string& base : {f.root, resolved_path(f.dir)})
            if (v.size() > base.size() + 1 && v.compare(0, base.size(), base) == 0 && v[base.size()] == '/') return v.substr(base.size() + 1);
        if (v.size() > f.dir.size() + 1 && v.compare(0, f.dir.size(), f.dir) == 0 && v[f.dir.size()] == '/') return v.substr(f.dir.size() + 1);
        // Another spelling of the folder (a symlink): resolve the value's own folder.
        const std::string r = resolved_path(v);
        if (r.size() > f.root.size() + 1 && r.compare(0, f.root.size(), f.root) == 0 && r[f.root.size()] == '/') return r.substr(f.root.size() + 1);
        return "";
    }
    while (v.rfind("./", 0) == 0) v.erase(0, 2);
    for (size_t p; (p = v.find("//")) != std::string::npos;) v.erase(p, 1);
    return v;
}

void cross_out(Folder& f, const std::string& value) {
    const std::string rel = relative_to(f, value);
    if (rel.empty()) return;
    auto it = std::lower_bound(f.files.begin(), f.files.end(), rel, [](const Candidate& c, const std::string& r) { return c.rel < r; });
    if (it != f.files.end() && it->rel == rel) it->referenced = true;
}

// Reads `column` of `table` in keyset batches and crosses out every value in the folders of its
// kind. False when the run must stop first.
bool read_references(JobContext& ctx, const std::string& table, const std::string& column, std::vector<Folder*> folders) {
    int64_t after = 0;
    for (;;) {
        int64_t n = 0;
        Statement q(ctx.db, "SELECT id, \"" + column + "\" FROM \"" + table + "\" WHERE id > ?1 AND \"" + column +
                                "\" IS NOT NULL ORDER BY id LIMIT ?2");
        q.bind(1, after);
        q.bind(2, kReadBatch);
        while (q.step()) {
            ++n;
            after = q.column(0).as_int64();
            const std::string v = q.column(1).as_text();
            for (Folder* f : folders) cross_out(*f, v);
        }
        if (n < kReadBatch) return true;
        if (ctx.should_stop()) return false;
    }
}

}  // namespace

Outcome disk_sweep(JobContext& ctx) {
    const int64_t cutoff = ctx.now - ctx.cfg_duration("min_age");
    std::vector<Folder> folders;
    for (const auto& dir : spool_folders(ctx.config)) {
        const std::string why = spool_folder_refusal(ctx.config, dir);
        if (!why.empty())
            throw std::runtime_error("refusing to sweep the spool folder " + dir + ": " + why +
                                     "; give the spool a folder of its own (nothing was removed)");
        folders.push_back({"spool", dir, resolved_path(dir), {}});
    }
    folders.push_back({"exports", ctx.config.path("export", "dir"), "", {}});
    folders.push_back({"backups", ctx.config.path("backup", "dir"), "", {}});

    // 1. The listing first (see disk_sweep.h: a row written meanwhile is then seen by step 2).
    for (auto& f : folders) {
        f.root = resolved_path(f.dir);
        if (f.kind == "spool") list_old(f.dir, "", 0, true, cutoff, nullptr, f.files);
        else list_old(f.dir, "", 0, false, cutoff, f.kind == "exports" ? is_export_file : is_backup_part_name, f.files);
        std::sort(f.files.begin(), f.files.end(), [](const Candidate& a, const Candidate& b) { return a.rel < b.rel; });
    }
    // 2. Every file column of the user-data list, crossed out in the folders of its kind.
    std::vector<std::pair<std::string, std::string>> done;
    for (const auto& fc : file_column_folders(ctx.config)) {
        if (std::find(done.begin(), done.end(), std::make_pair(fc.table, fc.column)) != done.end()) continue;
        done.emplace_back(fc.table, fc.column);
        std::vector<Folder*> of_kind;
        for (auto& f : folders)
            if (f.kind == fc.kind && !f.files.empty()) of_kind.push_back(&f);
        if (of_kind.empty()) continue;
        if (!read_references(ctx, fc.table, fc.column, of_kind)) return Outcome::more;
    }
    // 3. What is left goes (or is listed).
    nlohmann::json listed = nlohmann::json::array();
    int64_t files = 0, bytes = 0;
    for (auto& f : folders) {
        int64_t kind_files = 0;
        bool removed_any = false;
        for (const auto& c : f.files) {
            if (c.referenced) continue;
            ++ctx.counts.examined;
            const std::string path = f.dir + "/" + c.rel;
            if (ctx.dry_run) {
                if (listed.size() < 1000) listed.push_back({{"kind", f.kind}, {"path", path}, {"bytes", c.bytes}});
            } else if (::unlink(path.c_str()) != 0) {
                if (errno != ENOENT) ctx.warn("sweep_unlink_failed", {{"path", path}, {"error", std::strerror(errno)}});
                continue;
            } else {
                removed_any = true;
                ctx.info("file_swept", {{"kind", f.kind}, {"path", path}, {"bytes", c.bytes}});
            }
            ++kind_files, ++files, bytes += c.bytes;
        }
        if (removed_any && f.kind != "spool") fsync_dir(f.dir);
        ctx.counts.add(f.kind == "spool" ? "spool_files_swept" : f.kind == "exports" ? "export_files_swept" : "backup_parts_swept", kind_files);
    }
    ctx.counts.add("files_swept", files);
    ctx.counts.add("bytes_swept", bytes);
    if (!ctx.dry_run) ctx.counts.changed += files;
    ctx.result = {{"files", files}, {"bytes", bytes}, {"min_age_s", ctx.now - cutoff}};
    if (ctx.dry_run) {
        ctx.result["would_remove"] = listed;
        if (files > static_cast<int64_t>(listed.size())) ctx.result["not_listed"] = files - static_cast<int64_t>(listed.size());
    }
    return Outcome::done;
}

}  // namespace mj
