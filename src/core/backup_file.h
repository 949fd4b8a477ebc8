// One backup file of the database: how it is written and how it is checked before a restore. The
// backup job (jobs/backup.cpp), `mailjobs migrate` (a backup before it changes the schema) and
// `mailjobs restore` all go through here.
//
// A backup is NAME.db.gz: a consistent copy (Db::copy_to, one read snapshot, steps), checked with
// PRAGMA integrity_check, gzip-compressed, read back and compared (SHA-256 of the copy), and only
// then renamed from NAME.db.gz.part to its final name (core/files.h). Whatever stops it (a budget,
// a signal, a kill -9, a full disk) leaves no file under a final name; the .part files of a stopped
// backup are removed by it, those of a killed one by the next backup.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/db.h"

namespace mj {

struct BackupFile {
    std::string path;        // DIR/NAME.db.gz
    int64_t db_bytes = 0;    // the copy, uncompressed
    int64_t file_bytes = 0;  // the .gz
    int64_t pages = 0;
    std::string sha256;      // of the uncompressed copy
};

struct BackupSteps {
    int64_t pages_per_step = 1024;    // pages copied between two looks at keep_going()
    int compress_level = 6;           // gzip level, 1 (fast) to 9 (small)
    std::function<bool()> keep_going; // false: stop now (the parts are removed); empty = never stop
};

// The file name of a backup taken at `at` (unix seconds, UTC): mailjobs-20261202T163000Z.db.gz.
std::string backup_name(int64_t at);
// The time in a name backup_name() made; nullopt for any other file.
std::optional<int64_t> backup_time(const std::string& name);

// Writes a backup of `db` into `dir` (created 0700 if missing) under backup_name(at). nullopt when
// keep_going() said stop. Throws std::runtime_error (or DbError) with the reason when the copy, the
// check or the compression fails; nothing is left under a final name then either.
std::optional<BackupFile> write_backup(Db& db, const std::string& dir, int64_t at, const BackupSteps& steps);

// Removes what a killed backup left in `dir` (NAME.part files of ours); returns how many.
int remove_backup_parts(const std::string& dir);
// True for the names of those parts (mailjobs-*.part, mailjobs-*.part-journal): disk-sweep
// removes old ones a backup that never ran again left.
bool is_backup_part_name(const std::string& name);

// Unpacks a backup (.db.gz, or a plain .db copy) into `out` (a new file, 0600) and checks it: a
// SQLite database that passes integrity_check. Returns its schema version. Throws
// std::runtime_error with a one-line reason (not gzip, truncated, damaged, not a database).
int unpack_backup(const std::string& file, const std::string& out);

}  // namespace mj
