// The audit log archive (BJ-09; format in share/schema.md "Audit log archive format").
//
// One file per UTC day of created_at, DIR/audit-YYYY-MM-DD.jsonl.gz: gzip, JSON Lines, one
// audit_logs row per line. Each append writes one complete gzip member per day file (several
// members in one file are one valid gzip stream: zcat reads them all), then fsyncs every file it
// wrote and the folder, and only then returns: the caller deletes the rows after that.
//
// A crash (kill -9) in the middle of an append can leave a torn member at the end of a file. The
// first append to a file in a process cuts such a tail back to the end of the last complete member
// (like ninja's build log recovery), so later members stay readable. The rows of a torn member
// were never deleted (the delete comes after the fsync), so nothing is lost; rows archived just
// before a crash may be archived again by the next run: readers dedupe by id.
//
// Files are 0600 in a 0700 folder: audit trails hold security events.
#pragma once
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/statement.h"

namespace mj {

struct ArchiveLine {
    int64_t created_at;  // picks the day file
    std::string json;    // one line, without the newline
};

class AuditArchive {
public:
    // Creates the folder (and missing parents) with mode 0700; sets 0700 on an existing one.
    // Throws std::runtime_error with a one-line reason.
    explicit AuditArchive(std::string dir);

    // Appends the lines and makes them durable (file and folder fsynced). Throws on any failure;
    // the caller must then keep the rows.
    void append(const std::vector<ArchiveLine>& lines);

    // "audit-2025-01-31.jsonl.gz" for a created_at on that UTC day.
    static std::string file_name(int64_t created_at);

    // Cuts a torn last gzip member off `path` (fsynced); returns the number of bytes removed.
    // A missing file is fine (0). Throws if the file cannot be read or truncated.
    static int64_t repair(const std::string& path);

    const std::string& dir() const { return dir_; }

    // For an upload target (jobs/audit_upload.h), which appends one day file at a time and must
    // know exactly which bytes hold rows still in the table:
    // The size of day file `name` once its torn tail (if any) is cut; 0 if it does not exist.
    int64_t prepared_size(const std::string& name);
    // Cuts `name` back to `size` bytes (fsynced); nothing when it has exactly that. Throws if the
    // file is shorter than `size` (bytes that were recorded as written are gone: not ours to fix).
    void cut(const std::string& name, int64_t size);

private:
    std::string dir_;
    std::set<std::string> repaired_;  // files checked by this process
};

// The audit_logs columns an archive line holds, in table order (for a SELECT), and the line of a
// row selected with them: the columns by name; `details` embedded as JSON when it parses, else
// kept as its text; invalid UTF-8 becomes U+FFFD rather than failing the purge on one odd row.
extern const char* const kAuditArchiveColumns;
std::string audit_archive_line(Statement& row);

// One complete gzip member holding `data`.
std::string gzip_member(const std::string& data);

}  // namespace mj
