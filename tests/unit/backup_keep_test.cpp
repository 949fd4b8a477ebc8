#include "jobs/backup_keep.h"

#include <catch2/catch.hpp>

#include <set>

namespace {

constexpr int64_t kDay = 86400;
// 2026-11-30 (a Monday) 03:00 UTC
constexpr int64_t kMonday = 1796007600;

std::set<std::string> names(const std::vector<mj::BackupEntry>& v) {
    std::set<std::string> out;
    for (const auto& e : v) out.insert(e.name);
    return out;
}

}  // namespace

TEST_CASE("backup keep: the newest of each of the last N days, then of the last M ISO weeks", "[backup]") {
    std::vector<mj::BackupEntry> b;
    // One a day for 40 days back from Monday 2026-11-30, and a second one on the newest day.
    for (int d = 0; d < 40; ++d) b.push_back({"d" + std::to_string(d), kMonday - d * kDay});
    b.push_back({"d0-later", kMonday + 3600});
    const auto gone = names(mj::backups_to_remove(b, 7, 4));
    // Kept: d0-later (newest of 30 Nov), d1..d6 (29..24 Nov: 7 days in all), and the newest of each
    // of the 4 most recent ISO weeks: W49 (d0-later), W48 (d1 = Sun 29 Nov), W47 (d8 = Sun 22 Nov),
    // W46 (d15 = Sun 15 Nov).
    std::set<std::string> kept;
    for (const auto& e : b)
        if (!gone.count(e.name)) kept.insert(e.name);
    CHECK(kept == std::set<std::string>{"d0-later", "d1", "d2", "d3", "d4", "d5", "d6", "d8", "d15"});
    CHECK(gone.count("d0"));  // the older one of the same day
    CHECK(gone.size() == b.size() - 9);
}

TEST_CASE("backup keep: days without a backup do not count, and the newest is always kept", "[backup]") {
    // A host down for weeks: three backups, 30 days apart.
    std::vector<mj::BackupEntry> b = {{"a", kMonday}, {"b", kMonday - 30 * kDay}, {"c", kMonday - 60 * kDay}};
    CHECK(mj::backups_to_remove(b, 7, 0).empty());
    CHECK(names(mj::backups_to_remove(b, 2, 0)) == std::set<std::string>{"c"});
    CHECK(names(mj::backups_to_remove(b, 1, 0)) == std::set<std::string>{"b", "c"});
    // Same day twice: only the newer one of the day counts.
    std::vector<mj::BackupEntry> same = {{"x1", kMonday}, {"x2", kMonday + 60}};
    CHECK(names(mj::backups_to_remove(same, 1, 0)) == std::set<std::string>{"x1"});
    CHECK(mj::backups_to_remove({}, 7, 4).empty());
}
