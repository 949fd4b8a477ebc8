#include "jobs/backup_keep.h"

#include <algorithm>
#include <ctime>
#include <set>

namespace mj {
namespace {

std::string period(int64_t at, const char* format) {
    const std::time_t t = static_cast<std::time_t>(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

// Marks the newest entry of each of the `count` most recent periods (entries sorted newest first).
void keep_newest_per(const std::vector<BackupEntry>& sorted, const char* format, int64_t count, std::set<size_t>& kept) {
    std::string last;
    int64_t periods = 0;
    for (size_t i = 0; i < sorted.size() && periods < count; ++i) {
        const std::string p = period(sorted[i].at, format);
        if (p == last) continue;
        last = p;
        kept.insert(i);
        ++periods;
    }
}

}  // namespace

std::vector<BackupEntry> backups_to_remove(std::vector<BackupEntry> backups, int64_t keep_daily, int64_t keep_weekly) {
    std::sort(backups.begin(), backups.end(), [](const BackupEntry& a, const BackupEntry& b) {
        return a.at != b.at ? a.at > b.at : a.name > b.name;
    });
    std::set<size_t> kept;
    if (!backups.empty()) kept.insert(0);
    keep_newest_per(backups, "%Y-%m-%d", keep_daily, kept);
    keep_newest_per(backups, "%G-W%V", keep_weekly, kept);  // ISO 8601 week-numbering year and week
    std::vector<BackupEntry> out;
    for (size_t i = backups.size(); i-- > 0;)
        if (!kept.count(i)) out.push_back(backups[i]);
    return out;
}

}  // namespace mj
