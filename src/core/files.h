// File-system steps that every file mailjobs writes for keeps goes through (backups, export
// archives, the audit archive): private folders, durable writes, atomic publication.
//
// The rule they serve: a file appears under its final name only when it is complete and on disk
// (written to NAME.part, fsynced, renamed, the folder fsynced), so a kill -9 or a full disk leaves
// at worst a .part file, which its owner sweeps, never a truncated file under a real name.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mj {

// Creates `dir` and its missing parents with mode 0700. Throws std::runtime_error naming `what`
// ("[backup] dir") when a part cannot be created or `dir` is not a folder. An existing folder's
// mode is left as the operator set it.
void make_private_dirs(const std::string& dir, const std::string& what);
// fsync of a file, or of a folder (after a rename or unlink in it). Throws std::runtime_error.
void fsync_file(const std::string& path);
void fsync_dir(const std::string& dir);
// Size in bytes; -1 when the file does not exist.
int64_t file_size(const std::string& path);
// The names (not paths) of the regular files in `dir`; none when it cannot be read.
std::vector<std::string> list_files(const std::string& dir);
// rename(2) then fsync of the folder. Throws std::runtime_error.
void publish_file(const std::string& from, const std::string& to);

}  // namespace mj
