// Fuzz target: the TZif reader of src/core/schedule.cpp (RFC 8536 files and their POSIX TZ
// footer). The reader lives in that file's anonymous namespace, so this target compiles the file
// itself (and is linked without schedule.o). Byte 0 even: the input is a TZif file; odd: the rest
// is a POSIX TZ string. Then the zone is asked for its offset at instants across the --now range.
// Invariants: no crash or UB on any bytes; offsets stay within +-26 h.
#include "core/schedule.cpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
    std::shared_ptr<const mj::Zone> zone;
    if (data[0] % 2 == 0) {
        zone = mj::parse_tzif(rest);
    } else {
        auto z = std::make_shared<mj::Zone>();
        z->offs.push_back(0);
        if (!mj::parse_posix_tz(rest, &z->footer)) return 0;
        z->has_footer = true;
        zone = z;
    }
    if (!zone) return 0;
    for (int64_t t : {int64_t(-2208988800), int64_t(0), int64_t(1), int64_t(1711846800), int64_t(1795000000),
                      int64_t(4102444799), int64_t(data[0]) * 1000003}) {
        const int64_t off = zone->offset_at(t);
        // footers allow +-167 h in rule times but offsets themselves are hh <= 24 plus minutes
        if (off <= -200 * 3600 || off >= 200 * 3600) std::abort();
    }
    for (int64_t t : zone->times) zone->offset_at(t);
    return 0;
}
