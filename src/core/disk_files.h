// Where mailjobs' files live on disk, by kind, defined once (issue 17 "The disk"): the folder each
// file column of the one list of a user's data (core/user_data.h) is relative to, the folders
// disk-sweep may clean and the one it must refuse, and the bytes per kind `status` shows.
//
// Kinds: spool (held mail files the application writes and the rows failed_emails, overflow_hold,
// spam_quarantine name), exports ([export] dir: exports.path), archives (audit-log-cleanup's
// archive_dir), backups ([backup] dir), beside the database and its -wal.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"

namespace mj {

// A file column of the user-data list and a folder its relative values may be relative to. A
// table can have several (failed_emails: forward-retry's spool_dir and failed-email-expiry's):
// a file is referenced when any of them names it.
struct FileColumnFolder {
    std::string table, column;
    std::string folder;  // as configured (Config::path)
    std::string kind;    // "spool" or "exports"
};
// Every file column of user_data_tables() with each folder it may live in. Throws
// std::logic_error for a file column this list does not know (a table added later with files
// must say here where they are; tests/unit/disk_files_test.cpp checks it).
std::vector<FileColumnFolder> file_column_folders(const Config& config);

// The spool folders (distinct, as configured; empty values left out).
std::vector<std::string> spool_folders(const Config& config);

// `path` made absolute and resolved: realpath() when it exists, else its longest existing parent
// resolved plus the rest, with "." and ".." folded. Never fails.
std::string resolved_path(const std::string& path);

// True when folder `a` is `b` or one of b's ancestors (both resolved_path()s).
bool holds_folder(const std::string& a, const std::string& b);

// The sweep's shared-folder rule: a spool folder is swept file by file (every file no row names
// goes), so it must hold nothing else. "" when `spool` may be swept, else why not: it is, or
// holds, the database's folder, jobs.ini's, the log's, $HOME, or the folder of another kind
// (exports, backups, archives, the maildir transport, another spool folder inside it).
std::string spool_folder_refusal(const Config& config, const std::string& spool);

// Bytes on disk per kind: {"database", "wal", "spool", "exports", "archives", "backups"} (a missing
// file or folder is 0). Spool folders are walked (every file below them); the others are flat.
nlohmann::json disk_usage(const Config& config);

// "disk: database 1.2 GiB, wal 4.0 MiB, ..." for `status`.
std::string disk_usage_text(const nlohmann::json& usage);

// The sizes of regular files in `dir` whose names pass `keep` (flat), summed.
int64_t folder_bytes(const std::string& dir, bool recursive);

}  // namespace mj
