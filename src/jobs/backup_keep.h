// Which backups the backup job keeps (a grandfather-father-son rule, as restic's --keep-daily and
// --keep-weekly): the newest backup of each of the keep_daily most recent UTC days that have one,
// and the newest of each of the keep_weekly most recent ISO weeks that have one. The newest backup
// of all is always kept. Days without a backup do not count: a host that was down for a week still
// keeps keep_daily backups, not none.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mj {

struct BackupEntry {
    std::string name;
    int64_t at = 0;  // unix seconds, from the name
};

// The entries to remove, oldest first.
std::vector<BackupEntry> backups_to_remove(std::vector<BackupEntry> backups, int64_t keep_daily, int64_t keep_weekly);

}  // namespace mj
