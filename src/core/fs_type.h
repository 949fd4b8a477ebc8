// Which file system a path lives on, from statfs(2)'s f_type (issue 16, `mailjobs doctor`).
// SQLite's WAL keeps its index in shared memory (the -shm file mapped by every connection), which
// works only when all of them run on one host with a local file system: over NFS, SMB/CIFS or a
// FUSE mount (sshfs, ...) two hosts, or a server that does not honour mmap and locks, can corrupt
// the database. The classification is a pure function, unit-tested in tests/unit/fs_type_test.cpp.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace mj {

struct FsKind {
    std::string name;  // "ext4", "nfs", "fuse", ... or "unknown (0x1234)"
    bool local = true; // false: network or user-space file system (WAL is unsafe there)
};

// The kind of a statfs f_type magic number (linux/magic.h). Unknown numbers count as local: the
// list of network file systems is the one to keep complete.
FsKind classify_fs_type(uint64_t f_type);

// statfs(path); nullopt when it fails (*error says why).
std::optional<FsKind> fs_kind_of(const std::string& path, std::string* error);

}  // namespace mj
