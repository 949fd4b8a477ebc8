// A cap on the disk one kind of kept files may use (issue 17: [backup] max_disk,
// [job.audit-log-cleanup] archive_max_disk). Eviction as ccache does it: oldest first, until the
// rest fits; the newest file is never removed (the one copy that matters most), even when it alone
// passes the cap, and files the caller marks not removable (an archive day not yet uploaded) stay
// and still count.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mj {

struct CappedFile {
    std::string name;
    int64_t bytes = 0;
    bool removable = true;
};

// `oldest_first`: every file of the kind, oldest first. Returns the names to remove, oldest first,
// so that the total is at most `cap` (or as close as the rule allows). cap <= 0: no cap, none.
std::vector<std::string> over_cap(const std::vector<CappedFile>& oldest_first, int64_t cap);

}  // namespace mj
