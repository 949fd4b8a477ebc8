#include "core/fs_type.h"

#include <sys/vfs.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mj {

FsKind classify_fs_type(uint64_t t) {
    struct Known { uint64_t magic; const char* name; bool local; };
    // Magic numbers from linux/magic.h and the file systems' own sources (the ones not in it:
    // CIFS/SMB2, GPFS, Lustre, GlusterFS and CephFS).
    static const Known known[] = {
        {0xEF53, "ext4", true},            // ext2/ext3/ext4 share it
        {0x58465342, "xfs", true},
        {0x9123683E, "btrfs", true},
        {0x01021994, "tmpfs", true},
        {0x794C7630, "overlayfs", true},
        {0x2FC12FC1, "zfs", true},
        {0xF2F52010, "f2fs", true},
        {0x4D44, "vfat", true},
        {0x5346544E, "ntfs", true},
        {0x3153464A, "jfs", true},
        {0x52654973, "reiserfs", true},
        {0x6969, "nfs", false},
        {0xFF534D42, "cifs", false},
        {0xFE534D42, "smb2", false},
        {0x517B, "smb", false},
        {0x65735546, "fuse", false},       // sshfs, s3fs, glusterfs-fuse, ... (FUSE_SUPER_MAGIC)
        {0x564C, "ncp", false},
        {0x6B414653, "afs", false},
        {0x5346414F, "openafs", false},
        {0x73757245, "coda", false},
        {0x47504653, "gpfs", false},
        {0x0BD00BD0, "lustre", false},
        {0x00C36400, "cephfs", false},
        {0x01161970, "gfs2", false},       // shared-disk cluster file system: several hosts
        {0x7461636F, "ocfs2", false},
        {0x013111A8, "ibrix", false},
        {0x19830326, "fhgfs", false},      // BeeGFS
        {0x61636673, "acfs", false},
        {0x9FA0, "proc", true},
    };
    for (const Known& k : known)
        if (k.magic == t) return {k.name, k.local};
    char buf[40];
    std::snprintf(buf, sizeof buf, "unknown (0x%llx)", static_cast<unsigned long long>(t));
    return {buf, true};
}

std::optional<FsKind> fs_kind_of(const std::string& path, std::string* error) {
    struct statfs st {};
    if (statfs(path.c_str(), &st) != 0) {
        if (error) *error = std::strerror(errno);
        return std::nullopt;
    }
    return classify_fs_type(static_cast<uint64_t>(static_cast<unsigned long>(st.f_type)));
}

}  // namespace mj
