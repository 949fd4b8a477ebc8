#include <catch2/catch.hpp>

#include "core/fs_type.h"

using mj::classify_fs_type;

TEST_CASE("local file systems are local", "[fs_type]") {
    for (uint64_t t : {0xEF53ull, 0x58465342ull, 0x9123683Eull, 0x01021994ull, 0x794C7630ull, 0x2FC12FC1ull}) {
        CAPTURE(t);
        CHECK(classify_fs_type(t).local);
    }
    CHECK(classify_fs_type(0xEF53).name == "ext4");
    CHECK(classify_fs_type(0x58465342).name == "xfs");
}

TEST_CASE("network and FUSE file systems are not local", "[fs_type]") {
    struct Case { uint64_t t; const char* name; };
    for (Case c : {Case{0x6969, "nfs"}, Case{0xFF534D42, "cifs"}, Case{0xFE534D42, "smb2"}, Case{0x517B, "smb"},
                   Case{0x65735546, "fuse"}, Case{0x00C36400, "cephfs"}, Case{0x0BD00BD0, "lustre"},
                   Case{0x47504653, "gpfs"}, Case{0x01161970, "gfs2"}}) {
        CAPTURE(c.name);
        CHECK(classify_fs_type(c.t).name == c.name);
        CHECK_FALSE(classify_fs_type(c.t).local);
    }
}

TEST_CASE("an unknown magic number is named with its value", "[fs_type]") {
    auto k = classify_fs_type(0x1234);
    CHECK(k.name == "unknown (0x1234)");
    CHECK(k.local);
}

TEST_CASE("statfs of a real path", "[fs_type]") {
    std::string err;
    auto k = mj::fs_kind_of("/", &err);
    REQUIRE(k);
    CHECK_FALSE(k->name.empty());
    CHECK_FALSE(mj::fs_kind_of("/no/such/folder/here", &err));
    CHECK_FALSE(err.empty());
}
