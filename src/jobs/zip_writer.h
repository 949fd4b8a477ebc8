// A zip archive written as a stream, with zlib's minizip (Debian's libminizip-dev): members are
// deflated as their bytes arrive, so memory stays constant whatever the archive's size, and each
// member's SHA-256 and length are computed on the way (account-export's manifest.json lists them).
// Zip64 is on for every member: an account's archive may pass 4 GiB. Members are stored with Unix
// mode 0644 and the export time, so unzip and Python's zipfile show sane files.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace mj {

class Sha256;

struct ZipMember {
    std::string name;
    int64_t bytes = 0;   // uncompressed
    std::string sha256;  // of the uncompressed bytes, lowercase hex
};

class ZipWriter {
public:
    // Opens `path` (truncated; the caller creates it first with the mode it wants). `mtime` (unix
    // seconds, UTC) is every member's time. Throws std::runtime_error naming the path.
    ZipWriter(const std::string& path, int64_t mtime);
    ~ZipWriter();  // without finish(): the file is closed and emptied, never a valid archive
    ZipWriter(const ZipWriter&) = delete;
    ZipWriter& operator=(const ZipWriter&) = delete;

    void begin(const std::string& name);        // starts a member (the previous one must be ended)
    void write(const void* data, size_t n);     // appends to the member; throws on a write error
    void write(const std::string& s) { write(s.data(), s.size()); }
    ZipMember end();                            // ends the member: its name, length and SHA-256
    void finish();                              // writes the central directory and closes the file

private:
    void* zip_ = nullptr;
    std::string path_;
    int64_t mtime_;
    bool in_member_ = false;
    ZipMember member_;
    std::unique_ptr<Sha256> sha_;
};

}  // namespace mj
