// `mailjobs doctor`'s check "backup.free" (issue 17): is there room on the file system of
// [backup] dir for the next backup? A backup needs, at its peak, the uncompressed copy
// (NAME.db.part, the database's size) and the compressed file being written beside it
// (core/backup_file.h), so: database bytes x (1 + ratio), the ratio being the newest backup's
// compressed size over its uncompressed size (gzip's trailer), or 1 when there is no backup yet.
#pragma once
#include <cstdint>

#include "core/check.h"
#include "core/config.h"

namespace mj {

// db_bytes: the database's size now (page_size x page_count).
CheckResult backup_space_check(const Config& config, int64_t db_bytes);

}  // namespace mj
