#include "jobs/zip_writer.h"

#include <minizip/zip.h>
#include <unistd.h>

#include <ctime>
#include <stdexcept>

#include "core/digest.h"

namespace mj {

namespace {
[[noreturn]] void fail(const std::string& path, const std::string& what, int rc) {
    throw std::runtime_error("zip archive " + path + ": " + what + " failed (minizip error " + std::to_string(rc) + ")");
}
}  // namespace

ZipWriter::ZipWriter(const std::string& path, int64_t mtime) : path_(path), mtime_(mtime) {
    zip_ = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
    if (!zip_) throw std::runtime_error("zip archive " + path + ": cannot open for writing");
}

ZipWriter::~ZipWriter() {
    // Not finished: minizip has no "abort", its close writes a directory of what is there; empty
    // the file so a half-written archive can never pass for a whole one (the caller deletes it).
    if (zip_) {
        zipClose(zip_, nullptr);
        if (truncate(path_.c_str(), 0) != 0) {
            // nothing more to do: the caller deletes the file in any case
        }
    }
}

void ZipWriter::begin(const std::string& name) {
    if (in_member_) end();
    zip_fileinfo info{};
    time_t t = static_cast<time_t>(mtime_);
    struct tm tm {};
    gmtime_r(&t, &tm);
    info.tmz_date.tm_sec = tm.tm_sec;
    info.tmz_date.tm_min = tm.tm_min;
    info.tmz_date.tm_hour = tm.tm_hour;
    info.tmz_date.tm_mday = tm.tm_mday;
    info.tmz_date.tm_mon = tm.tm_mon;
    info.tmz_date.tm_year = tm.tm_year + 1900;
    info.external_fa = 0100644UL << 16;  // a regular file, rw-r--r--
    const uLong made_by_unix = (3UL << 8) | 45;  // host Unix, zip spec 4.5 (zip64)
    int rc = zipOpenNewFileInZip4_64(zip_, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                                     Z_DEFAULT_COMPRESSION, 0, -MAX_WBITS, DEF_MEM_LEVEL, Z_DEFAULT_STRATEGY, nullptr, 0,
                                     made_by_unix, 0, /*zip64=*/1);
    if (rc != ZIP_OK) fail(path_, "starting member " + name, rc);
    in_member_ = true;
    member_ = ZipMember{name, 0, ""};
    sha_ = std::make_unique<Sha256>();
}

void ZipWriter::write(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        unsigned chunk = n > (1u << 30) ? (1u << 30) : static_cast<unsigned>(n);
        int rc = zipWriteInFileInZip(zip_, p, chunk);
        if (rc != ZIP_OK) fail(path_, "writing member " + member_.name, rc);
        sha_->update(p, chunk);
        member_.bytes += chunk;
        p += chunk;
        n -= chunk;
    }
}

ZipMember ZipWriter::end() {
    int rc = zipCloseFileInZip(zip_);
    if (rc != ZIP_OK) fail(path_, "ending member " + member_.name, rc);
    in_member_ = false;
    member_.sha256 = sha_->hex();
    sha_.reset();
    return member_;
}

void ZipWriter::finish() {
    if (in_member_) end();
    int rc = zipClose(zip_, nullptr);
    zip_ = nullptr;
    if (rc != ZIP_OK) fail(path_, "writing the central directory", rc);
}

}  // namespace mj
