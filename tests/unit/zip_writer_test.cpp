// The streaming zip writer, read back with minizip's reader: every member's bytes, length and
// SHA-256 as ZipWriter reported them; a member written in many small pieces; an unfinished
// archive is not a valid one.
#include "jobs/zip_writer.h"

#include <minizip/unzip.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>

#include "core/digest.h"

namespace {

struct TempDir {
    std::string dir;
    TempDir() {
        char tmpl[] = "/tmp/mj-zip-writer-test.XXXXXX";
        dir = mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf " + dir).c_str()); }
};

std::map<std::string, std::string> read_all(const std::string& path) {
    std::map<std::string, std::string> out;
    unzFile u = unzOpen64(path.c_str());
    if (!u) return out;
    for (int rc = unzGoToFirstFile(u); rc == UNZ_OK; rc = unzGoToNextFile(u)) {
        char name[256];
        unz_file_info64 info;
        unzGetCurrentFileInfo64(u, &info, name, sizeof name, nullptr, 0, nullptr, 0);
        unzOpenCurrentFile(u);
        std::string data;
        char buf[4096];
        int n;
        while ((n = unzReadCurrentFile(u, buf, sizeof buf)) > 0) data.append(buf, static_cast<size_t>(n));
        unzCloseCurrentFile(u);
        out[name] = data;
    }
    unzClose(u);
    return out;
}

}  // namespace

TEST_CASE("zip writer: members read back with their lengths and hashes", "[zip_writer]") {
    TempDir t;
    const std::string path = t.dir + "/a.zip";
    std::string big;
    for (int i = 0; i < 200000; ++i) big += std::to_string(i) + ",";
    mj::ZipMember small, large;
    {
        mj::ZipWriter z(path, 1795000000);
        z.begin("small.json");
        z.write("[1,2,3]\n");
        small = z.end();
        z.begin("dir/large.csv");
        for (size_t i = 0; i < big.size(); i += 777) z.write(big.data() + i, std::min<size_t>(777, big.size() - i));
        large = z.end();
        z.begin("empty.txt");
        z.end();
        z.finish();
    }
    auto files = read_all(path);
    REQUIRE(files.size() == 3);
    CHECK(files["small.json"] == "[1,2,3]\n");
    CHECK(files["dir/large.csv"] == big);
    CHECK(files["empty.txt"].empty());
    CHECK(small.bytes == 8);
    CHECK(small.sha256 == mj::sha256_hex("[1,2,3]\n"));
    CHECK(large.bytes == static_cast<int64_t>(big.size()));
    CHECK(large.sha256 == mj::sha256_hex(big));
}

TEST_CASE("zip writer: an archive never finished is not a valid zip", "[zip_writer]") {
    TempDir t;
    const std::string path = t.dir + "/b.zip";
    {
        mj::ZipWriter z(path, 1795000000);
        z.begin("x.json");
        z.write("data");
    }
    CHECK(read_all(path).empty());
    CHECK_THROWS(mj::ZipWriter(t.dir + "/missing/c.zip", 0));
}
