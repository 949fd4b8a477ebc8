#include "jobs/audit_archive.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/mj-archive-test.XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& data) { std::ofstream(path, std::ios::binary) << data; }

int mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// Decodes every gzip member of `data` like zcat; members counts them. Throws on a bad member.
std::string gunzip_all(const std::string& data, int* members = nullptr) {
    std::string out;
    size_t pos = 0;
    int n = 0;
    while (pos < data.size()) {
        z_stream s{};
        REQUIRE(inflateInit2(&s, 15 + 16) == Z_OK);
        s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + pos));
        s.avail_in = static_cast<uInt>(data.size() - pos);
        char buf[4096];
        int rc;
        do {
            s.next_out = reinterpret_cast<Bytef*>(buf);
            s.avail_out = sizeof buf;
            rc = inflate(&s, Z_NO_FLUSH);
            out.append(buf, sizeof buf - s.avail_out);
        } while (rc == Z_OK);
        size_t used = s.total_in;
        inflateEnd(&s);
        if (rc != Z_STREAM_END) throw std::runtime_error("bad gzip member");
        pos += used;
        ++n;
    }
    if (members) *members = n;
    return out;
}

}  // namespace

TEST_CASE("AuditArchive::file_name, one file per UTC day") {
    CHECK(mj::AuditArchive::file_name(0) == "audit-1970-01-01.jsonl.gz");
    CHECK(mj::AuditArchive::file_name(86399) == "audit-1970-01-01.jsonl.gz");
    CHECK(mj::AuditArchive::file_name(86400) == "audit-1970-01-02.jsonl.gz");
    CHECK(mj::AuditArchive::file_name(1738367999) == "audit-2025-01-31.jsonl.gz");  // 23:59:59Z
    CHECK(mj::AuditArchive::file_name(1738368000) == "audit-2025-02-01.jsonl.gz");
}

TEST_CASE("gzip_member, a complete gzip stream") {
    std::string text = "{\"id\":1}\n{\"id\":2}\n";
    int members = 0;
    CHECK(gunzip_all(mj::gzip_member(text), &members) == text);
    CHECK(members == 1);
    CHECK(gunzip_all(mj::gzip_member("")) == "");
}

TEST_CASE("AuditArchive::append, files per day, members, modes") {
    TempDir t;
    std::string dir = t.path + "/a/b/archive";
    mode_t old = umask(0);  // the modes must not depend on the caller's umask
    {
        mj::AuditArchive archive(dir);
        archive.append({{10, "{\"id\":1}"}, {86400 + 5, "{\"id\":3}"}, {20, "{\"id\":2}"}});
        archive.append({{30, "{\"id\":4}"}});
        archive.append({});
    }
    umask(old);
    CHECK(mode_of(dir) == 0700);
    std::string day0 = dir + "/audit-1970-01-01.jsonl.gz", day1 = dir + "/audit-1970-01-02.jsonl.gz";
    CHECK(mode_of(day0) == 0600);
    CHECK(mode_of(day1) == 0600);
    int members = 0;
    CHECK(gunzip_all(read_file(day0), &members) == "{\"id\":1}\n{\"id\":2}\n{\"id\":4}\n");
    CHECK(members == 2);
    CHECK(gunzip_all(read_file(day1)) == "{\"id\":3}\n");
}

TEST_CASE("AuditArchive, an existing folder is made 0700, files 0600") {
    TempDir t;
    std::string dir = t.path + "/archive";
    REQUIRE(mkdir(dir.c_str(), 0755) == 0);
    write_file(dir + "/audit-1970-01-01.jsonl.gz", mj::gzip_member("{\"id\":0}\n"));
    chmod((dir + "/audit-1970-01-01.jsonl.gz").c_str(), 0644);
    mj::AuditArchive archive(dir);
    CHECK(mode_of(dir) == 0700);
    archive.append({{1, "{\"id\":1}"}});
    CHECK(mode_of(dir + "/audit-1970-01-01.jsonl.gz") == 0600);
    CHECK(gunzip_all(read_file(dir + "/audit-1970-01-01.jsonl.gz")) == "{\"id\":0}\n{\"id\":1}\n");
}

TEST_CASE("AuditArchive::repair, torn last member") {
    TempDir t;
    std::string f = t.path + "/audit-1970-01-01.jsonl.gz";
    std::string first = mj::gzip_member("{\"id\":1}\n"), second = mj::gzip_member(std::string(5000, 'x') + "\n");

    SECTION("missing or empty file: nothing to do") {
        CHECK(mj::AuditArchive::repair(f) == 0);
        write_file(f, "");
        CHECK(mj::AuditArchive::repair(f) == 0);
    }
    SECTION("complete members: untouched") {
        write_file(f, first + second);
        CHECK(mj::AuditArchive::repair(f) == 0);
        CHECK(read_file(f) == first + second);
    }
    SECTION("a member cut anywhere is removed, the complete ones stay") {
        for (size_t cut : {size_t{1}, size_t{10}, second.size() / 2, second.size() - 1}) {
            write_file(f, first + second.substr(0, cut));
            CHECK(mj::AuditArchive::repair(f) == static_cast<int64_t>(cut));
            CHECK(read_file(f) == first);
        }
    }
    SECTION("garbage after the last member is removed") {
        write_file(f, first + "not gzip at all");
        CHECK(mj::AuditArchive::repair(f) == 15);
        CHECK(gunzip_all(read_file(f)) == "{\"id\":1}\n");
    }
    SECTION("a corrupted member (bad CRC) and what follows are removed") {
        std::string bad = second;
        bad[bad.size() - 6] ^= 0x55;  // inside the CRC-32 trailer
        write_file(f, first + bad + first);
        mj::AuditArchive::repair(f);
        CHECK(read_file(f) == first);
    }
    SECTION("the first append of a process repairs the file, so later members stay readable") {
        write_file(f, first + second.substr(0, second.size() / 2));
        mj::AuditArchive archive(t.path);
        archive.append({{5, "{\"id\":2}"}});
        int members = 0;
        CHECK(gunzip_all(read_file(f), &members) == "{\"id\":1}\n{\"id\":2}\n");
        CHECK(members == 2);
    }
}

TEST_CASE("AuditArchive, errors are one-line exceptions") {
    TempDir t;
    write_file(t.path + "/file", "x");
    CHECK_THROWS_WITH(mj::AuditArchive(t.path + "/file"), Catch::Contains("audit archive: not a folder"));
    CHECK_THROWS_WITH(mj::AuditArchive(t.path + "/file/sub"), Catch::Contains("cannot create folder"));
}
