#include "core/schedule.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/duration.h"

namespace mj {
namespace {

// ---------------------------------------------------------------------------------------------
// Civil calendar arithmetic (proleptic Gregorian, DST-free). Cron matching runs on "wall seconds":
// the local wall clock written as if it were UTC, so days are always 86400 s long.

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Howard Hinnant's days_from_civil / civil_from_days: exact for any int64 year we can reach.
int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    const int64_t era = floor_div(y, 400);
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t* y, int* m, int* d) {
    z += 719468;
    const int64_t era = floor_div(z, 146097);
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int64_t y, int m) {
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int weekday(int64_t days) {  // 0 = Sunday; 1970-01-01 was a Thursday
    return static_cast<int>(((days % 7) + 7 + 4) % 7);
}

// ---------------------------------------------------------------------------------------------
// Timezones. We read TZif files (RFC 8536) ourselves instead of setenv("TZ")+tzset()+localtime_r:
// glibc's zone state is process-global (and TZ would leak into child processes such as sendmail),
// switching zones re-reads the file, and an unknown name silently becomes UTC. Reading the file is
// also independent of static vs dynamic linking. Parsed zones are cached per thread.

struct PosixRule {
    char kind = 'M';     // 'J' = Jn (1-365, Feb 29 never counted), 'D' = n (0-365), 'M' = Mm.w.d
    int day = 0, week = 0, month = 0;
    int64_t time = 7200;  // seconds after local midnight (may be negative or > 24h in TZif v3)
};

// The TZif footer: a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0") for instants after the last
// transition in the file (slim TZif files stop listing transitions as early as 2007).
struct PosixTz {
    int64_t std_off = 0, dst_off = 0;  // east-positive seconds (POSIX text is west-positive)
    bool has_dst = false;
    PosixRule start, end;
};

struct Zone {
    std::vector<int64_t> times;   // transition instants, ascending
    std::vector<uint8_t> types;   // index into offs for each transition
    std::vector<int32_t> offs;    // utoff of each local time type
    bool has_footer = false;
    PosixTz footer;

    int64_t offset_at(int64_t t) const;
};

// Start of `rule` in `year`, in local wall seconds.
int64_t rule_wall(const PosixRule& r, int64_t year) {
    int64_t day;  // days since epoch
    if (r.kind == 'J') {
        day = days_from_civil(year, 1, 1) + r.day - 1 + (is_leap(year) && r.day >= 60 ? 1 : 0);
    } else if (r.kind == 'D') {
        day = days_from_civil(year, 1, 1) + r.day;
    } else {
        const int64_t first = days_from_civil(year, r.month, 1);
        int d = 1 + (r.day - weekday(first) + 7) % 7 + (r.week - 1) * 7;  // week 5 = last
        while (d > days_in_month(year, r.month)) d -= 7;
        day = first + d - 1;
    }
    return day * 86400 + r.time;
}

int64_t posix_offset_at(const PosixTz& p, int64_t t) {
    if (!p.has_dst) return p.std_off;
    // Same convention as glibc: the rules of the UTC year of t. Start is given in standard time,
    // end in daylight time.
    int64_t y;
    int m, d;
    civil_from_days(floor_div(t, 86400), &y, &m, &d);
    const int64_t start = rule_wall(p.start, y) - p.std_off;
    const int64_t end = rule_wall(p.end, y) - p.dst_off;
    const bool dst = start < end ? (t >= start && t < end) : (t < end || t >= start);  // south: wraps
    return dst ? p.dst_off : p.std_off;
}

int64_t Zone::offset_at(int64_t t) const {
    if (times.empty()) return has_footer ? posix_offset_at(footer, t) : offs[0];
    if (t < times.front()) return offs[0];  // RFC 8536: type 0 before the first transition
    if (t >= times.back() && has_footer) return posix_offset_at(footer, t);
    const size_t i = static_cast<size_t>(std::upper_bound(times.begin(), times.end(), t) - times.begin()) - 1;
    return offs[types[i]];
}

// --- POSIX TZ string parser (only for TZif footers) ---

bool parse_tz_name(const std::string& s, size_t* i) {
    if (*i < s.size() && s[*i] == '<') {
        size_t close = s.find('>', *i);
        if (close == std::string::npos || close - *i - 1 < 3) return false;
        *i = close + 1;
        return true;
    }
    size_t start = *i;
    while (*i < s.size() && std::isalpha(static_cast<unsigned char>(s[*i]))) ++*i;
    return *i - start >= 3;
}

// [+-]hh[:mm[:ss]] with hh up to 167 (TZif v3 allows that for rule times).
bool parse_tz_time(const std::string& s, size_t* i, int64_t* out) {
    int sign = 1;
    if (*i < s.size() && (s[*i] == '+' || s[*i] == '-')) sign = s[(*i)++] == '-' ? -1 : 1;
    int64_t parts[3] = {0, 0, 0};
    for (int p = 0; p < 3; ++p) {
        if (p > 0) {
            if (*i >= s.size() || s[*i] != ':') break;
            ++*i;
        }
        size_t start = *i;
        while (*i < s.size() && std::isdigit(static_cast<unsigned char>(s[*i])) && *i - start < 3)
            parts[p] = parts[p] * 10 + (s[(*i)++] - '0');
        if (*i == start) return false;
    }
    if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59) return false;
    *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    return true;
}

bool parse_tz_int(const std::string& s, size_t* i, int lo, int hi, int* out) {
    size_t start = *i;
    int v = 0;
    while (*i < s.size() && std::isdigit(static_cast<unsigned char>(s[*i])) && *i - start < 4)
        v = v * 10 + (s[(*i)++] - '0');
    if (*i == start || v < lo || v > hi) return false;
    *out = v;
    return true;
}

bool parse_tz_rule(const std::string& s, size_t* i, PosixRule* r) {
    if (*i < s.size() && s[*i] == 'J') {
        ++*i;
        r->kind = 'J';
        if (!parse_tz_int(s, i, 1, 365, &r->day)) return false;
    } else if (*i < s.size() && s[*i] == 'M') {
        ++*i;
        r->kind = 'M';
        if (!parse_tz_int(s, i, 1, 12, &r->month) || *i >= s.size() || s[(*i)++] != '.') return false;
        if (!parse_tz_int(s, i, 1, 5, &r->week) || *i >= s.size() || s[(*i)++] != '.') return false;
        if (!parse_tz_int(s, i, 0, 6, &r->day)) return false;
    } else {
        r->kind = 'D';
        if (!parse_tz_int(s, i, 0, 365, &r->day)) return false;
    }
    r->time = 7200;
    if (*i < s.size() && s[*i] == '/') {
        ++*i;
        return parse_tz_time(s, i, &r->time);
    }
    return true;
}

bool parse_posix_tz(const std::string& s, PosixTz* out) {
    size_t i = 0;
    int64_t v;
    if (!parse_tz_name(s, &i) || !parse_tz_time(s, &i, &v)) return false;
    out->std_off = -v;
    if (i == s.size()) return true;
    if (!parse_tz_name(s, &i)) return false;
    out->has_dst = true;
    out->dst_off = out->std_off + 3600;
    if (i < s.size() && s[i] != ',') {
        if (!parse_tz_time(s, &i, &v)) return false;
        out->dst_off = -v;
    }
    if (i == s.size()) {  // POSIX leaves the default rules to the implementation; use the US ones
        out->start = PosixRule{'M', 0, 2, 3, 7200};
        out->end = PosixRule{'M', 0, 1, 11, 7200};
        return true;
    }
    if (s[i++] != ',' || !parse_tz_rule(s, &i, &out->start)) return false;
    if (i >= s.size() || s[i++] != ',' || !parse_tz_rule(s, &i, &out->end)) return false;
    return i == s.size();
}

// --- TZif reader ---

struct Bytes {
    const std::string& s;
    size_t pos = 0;
    bool has(size_t n) const { return n <= s.size() - pos; }
    int64_t be(int width) {  // big-endian signed integer of 4 or 8 bytes
        uint64_t v = 0;
        for (int k = 0; k < width; ++k) v = (v << 8) | static_cast<unsigned char>(s[pos++]);
        if (width == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
        return static_cast<int64_t>(v);
    }
};

std::shared_ptr<const Zone> parse_tzif(const std::string& data) {
    Bytes b{data};
    auto header = [&](uint32_t cnt[6], char* version) {
        if (!b.has(44) || data.compare(b.pos, 4, "TZif") != 0) return false;
        *version = data[b.pos + 4];
        b.pos += 20;
        for (int k = 0; k < 6; ++k) cnt[k] = static_cast<uint32_t>(b.be(4));
        return true;
    };
    uint32_t c[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
    char version;
    if (!header(c, &version)) return nullptr;
    int width = 4;
    if (version >= '2') {  // skip the 32-bit block; the 64-bit one after it is authoritative
        const uint64_t v1 = uint64_t(c[3]) * 5 + uint64_t(c[4]) * 6 + c[5] + uint64_t(c[2]) * 8 + c[1] + c[0];
        if (!b.has(v1)) return nullptr;
        b.pos += v1;
        if (!header(c, &version)) return nullptr;
        width = 8;
    }
    const uint32_t isut = c[0], isstd = c[1], leap = c[2], timecnt = c[3], typecnt = c[4], chars = c[5];
    // "right/..." zones count leap seconds, which unix time does not: refuse them rather than be
    // ~27 s off.
    if (leap != 0 || typecnt == 0 || typecnt > 256) return nullptr;
    const uint64_t need = uint64_t(timecnt) * (width + 1) + uint64_t(typecnt) * 6 + chars + isstd + isut;
    if (!b.has(need)) return nullptr;
    auto z = std::make_shared<Zone>();
    z->times.resize(timecnt);
    z->types.resize(timecnt);
    for (auto& t : z->times) t = b.be(width);
    for (auto& t : z->types) {
        t = static_cast<uint8_t>(data[b.pos++]);
        if (t >= typecnt) return nullptr;
    }
    for (uint32_t k = 1; k < timecnt; ++k)
        if (z->times[k] <= z->times[k - 1]) return nullptr;
    for (uint32_t k = 0; k < typecnt; ++k) {
        const int64_t off = b.be(4);
        b.pos += 2;  // isdst, abbreviation index: not needed
        if (off <= -26 * 3600 || off >= 26 * 3600) return nullptr;
        z->offs.push_back(static_cast<int32_t>(off));
    }
    b.pos += chars + isstd + isut;
    if (width == 8 && b.has(1) && data[b.pos] == '\n') {
        const size_t end = data.find('\n', b.pos + 1);
        if (end == std::string::npos) return nullptr;
        const std::string tz = data.substr(b.pos + 1, end - b.pos - 1);
        if (!tz.empty()) {
            if (!parse_posix_tz(tz, &z->footer)) return nullptr;
            z->has_footer = true;
        }
    }
    return z;
}

// Plain IANA-style names only: no absolute paths, no "..", no odd characters.
bool plausible_zone_name(const std::string& tz) {
    if (tz.empty() || tz.size() > 200 || tz[0] == '/' || tz.back() == '/') return false;
    if (tz.find("..") != std::string::npos || tz.find("//") != std::string::npos) return false;
    for (char ch : tz) {
        const unsigned char u = static_cast<unsigned char>(ch);
        if (!std::isalnum(u) && ch != '/' && ch != '_' && ch != '-' && ch != '+' && ch != '.') return false;
    }
    return true;
}

std::shared_ptr<const Zone> load_zone(const std::string& tz) {
    // "UTC" is built in so the default works on hosts without /usr/share/zoneinfo.
    static const std::shared_ptr<const Zone> utc = [] {
        auto z = std::make_shared<Zone>();
        z->offs.push_back(0);
        return z;
    }();
    if (tz == "UTC") return utc;
    if (!plausible_zone_name(tz)) return nullptr;

    thread_local std::unordered_map<std::string, std::shared_ptr<const Zone>> cache;
    auto it = cache.find(tz);
    if (it != cache.end()) return it->second;

    // TZDIR, when set, is the only place looked at (as in glibc); otherwise the usual locations.
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("TZDIR"); env && *env)
        dirs.push_back(env);
    else
        dirs = {"/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo"};
    for (const auto& dir : dirs) {
        std::FILE* f = std::fopen((dir + "/" + tz).c_str(), "rb");
        if (!f) continue;
        std::string data;
        char buf[8192];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && data.size() < (1u << 20)) data.append(buf, n);
        std::fclose(f);  // a directory opens but reads nothing: rejected by the magic check
        if (auto z = parse_tzif(data)) {
            // Only successes are cached: a failed lookup may succeed later (e.g. TZDIR changed).
            cache.emplace(tz, z);
            return z;
        }
    }
    return nullptr;
}

// The real instant of local wall time `wall` (wall seconds) under the DST rule:
//   normal: the one instant; ambiguous (fall back): the first; nonexistent (spring forward): the
//   transition instant, i.e. the first instant after the gap.
// Every instant that shows wall time W lies within W +- 16h (no offset is larger). Reading the
// offsets at both ends of that window gives the offsets before and after the (at most one)
// transition near W; each yields one candidate, which is real if the zone agrees with it.
int64_t wall_to_instant(const Zone& z, int64_t wall) {
    const int64_t window = 16 * 3600;
    const int64_t oa = z.offset_at(wall - window), ob = z.offset_at(wall + window);
    const int64_t ta = wall - oa, tb = wall - ob;
    const bool va = z.offset_at(ta) == oa, vb = z.offset_at(tb) == ob;
    if (va && vb) return std::min(ta, tb);
    if (va) return ta;
    if (vb) return tb;
    if (ta == tb) return ta;  // more than one transition in the window: no better answer
    // In a gap: the transition lies in (lo, hi]; find the first instant with the new offset.
    int64_t lo = std::min(ta, tb), hi = std::max(ta, tb);
    const int64_t before = z.offset_at(lo);
    while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        (z.offset_at(mid) == before ? lo : hi) = mid;
    }
    return hi;
}

// ---------------------------------------------------------------------------------------------
// Cron parsing.

const char* const kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
const char* const kDowNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct FieldSpec {
    const char* name;
    int lo, hi;
    const char* const* names;  // names[k] means lo + k (jan = 1, sun = 0)
    int name_count;
    const char* hint;  // how valid values look, for error messages
};

const FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr, 0, "0-59"},
    {"hour", 0, 23, nullptr, 0, "0-23"},
    {"day-of-month", 1, 31, nullptr, 0, "1-31"},
    {"month", 1, 12, kMonthNames, 12, "1-12 or jan-dec"},
    {"day-of-week", 0, 7, kDowNames, 7, "0-7 or sun-sat"},
};

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

// Parses one field into a bitmask. `n` is the 0-based field index, used in messages.
bool parse_field(const std::string& text, int n, uint64_t* bits, std::string* error) {
    const FieldSpec& f = kFields[n];
    const std::string where = "cron field " + std::to_string(n + 1) + " (" + f.name + ")";
    auto fail = [&](const std::string& why) {
        if (error) *error = where + " " + why;
        return false;
    };
    // One value: a number or (month/dow only) a three-letter name.
    auto value = [&](const std::string& tok, int* out) {
        if (tok.empty()) return fail("is missing a value in '" + text + "' (expected " + f.hint + ")");
        if (std::isdigit(static_cast<unsigned char>(tok[0]))) {
            if (tok.size() > 4 || !std::all_of(tok.begin(), tok.end(), is_digit))
                return fail("has bad value '" + tok + "' (expected " + f.hint + ")");
            *out = std::stoi(tok);
            if (*out < f.lo || *out > f.hi)
                return fail("value " + tok + " out of range " + std::to_string(f.lo) + "-" + std::to_string(f.hi));
            return true;
        }
        const std::string l = lower(tok);
        for (int k = 0; k < f.name_count; ++k)
            if (l == f.names[k]) {
                *out = f.lo + k;
                return true;
            }
        return fail("has bad value '" + tok + "' (expected " + f.hint + ")");
    };

    *bits = 0;
    size_t start = 0;
    while (true) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string elem = text.substr(start, comma - start);
        if (elem.empty()) return fail("has an empty list element in '" + text + "'");
        const size_t slash = elem.find('/');
        const std::string range = elem.substr(0, slash);
        int lo, hi, step = 1;
        if (range == "*") {
            lo = f.lo;
            hi = f.hi;
        } else {
            const size_t dash = range.find('-');
            if (!value(range.substr(0, dash), &lo)) return false;
            hi = lo;
            if (dash != std::string::npos && !value(range.substr(dash + 1), &hi)) return false;
            if (hi < lo) return fail("range '" + range + "' is backwards (start must not exceed end)");
            // "5/15" means 5-59/15 in some crons and nothing in Vixie cron: make the user say which.
            if (slash != std::string::npos && dash == std::string::npos)
                return fail("step '" + elem + "' needs a range or * before the '/' (e.g. */15 or 5-59/15)");
        }
        if (slash != std::string::npos) {
            const std::string s = elem.substr(slash + 1);
            const int max_step = f.hi - f.lo + 1;
            if (s.empty() || s.size() > 4 || !std::all_of(s.begin(), s.end(), is_digit))
                return fail("has bad step '" + s + "' in '" + elem + "' (expected a whole number)");
            step = std::stoi(s);
            if (step < 1 || step > max_step)
                return fail("step " + s + " out of range 1-" + std::to_string(max_step));
        }
        for (int v = lo; v <= hi; v += step) *bits |= uint64_t(1) << v;
        if (comma == text.size()) break;
        start = comma + 1;
    }
    return true;
}

int next_bit(uint64_t bits, int from) {  // lowest set bit >= from, or -1
    if (from >= 64) return -1;
    const uint64_t m = bits >> from << from;
    return m ? __builtin_ctzll(m) : -1;
}

uint64_t fnv1a(const std::string& s) {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char ch : s) {
        h ^= ch;
        h *= 1099511628211ull;
    }
    return h;
}

// Give up after this many years of wall clock. Not 5: "0 0 29 2 *" skips 8 years around 2100.
const int64_t kSearchYears = 9;

}  // namespace

std::optional<Schedule> Schedule::parse(const std::string& text, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<Schedule> {
        if (error) *error = why;
        return std::nullopt;
    };
    std::vector<std::string> tok;
    for (size_t i = 0; i < text.size();) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        const size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i > start) tok.push_back(text.substr(start, i - start));
    }
    Schedule s;
    s.text_ = text;
    if (tok.empty()) return fail("empty schedule (use e.g. 'every 6h', '0 2 * * *' or @daily)");

    if (lower(tok[0]) == "every") {
        if (tok.size() != 2)
            return fail("'every' takes exactly one duration, e.g. 'every 6h' or 'every tick'; got '" + text + "'");
        s.kind_ = Kind::interval;
        if (lower(tok[1]) == "tick") return s;  // interval 0
        std::string err;
        auto d = parse_duration(tok[1], &err);
        if (!d) return fail(err);
        // At most 10 years: the grid arithmetic (now + interval, slot counts) stays far from
        // int64 overflow, and a longer interval means "never" (found by tests/fuzz/schedule.cpp:
        // `every 623797087813460150s` overflowed in current_slot).
        if (*d > kMaxInterval)
            return fail("interval '" + tok[1] + "' is longer than 10 years (3650d); got '" + text + "'");
        s.interval_ = *d;
        return s;
    }

    std::string expr;
    if (tok[0][0] == '@') {
        if (tok.size() != 1) return fail("schedule macro '" + tok[0] + "' takes nothing after it; got '" + text + "'");
        static const struct { const char* name; const char* expr; bool stagger; } macros[] = {
            {"@hourly", "0 * * * *", false},  {"@daily", "0 0 * * *", true},   {"@midnight", "0 0 * * *", true},
            {"@weekly", "0 0 * * 0", true},   {"@monthly", "0 0 1 * *", true}, {"@yearly", "0 0 1 1 *", true},
            {"@annually", "0 0 1 1 *", true},
        };
        for (const auto& m : macros)
            if (lower(tok[0]) == m.name) {
                expr = m.expr;
                s.macro_ = m.stagger;
            }
        if (expr.empty())
            return fail("unknown schedule macro '" + tok[0] +
                        "' (use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually)");
        auto inner = parse(expr, error);  // cannot fail
        if (!inner) return std::nullopt;
        inner->macro_ = s.macro_;
        inner->explicit_time_ = false;  // @daily is "some time each day", not "at 00:00"
        inner->text_ = text;
        return inner;
    }

    if (tok.size() != 5)
        return fail("expected 'every <duration>', a macro such as @daily, or 5 cron fields "
                    "(minute hour day-of-month month day-of-week); got " +
                    std::to_string(tok.size()) + (tok.size() == 1 ? " field" : " fields") + " in '" + text + "'");
    s.kind_ = Kind::cron;
    uint64_t* bits[5] = {&s.minute_bits_, &s.hour_bits_, &s.dom_bits_, &s.month_bits_, &s.dow_bits_};
    for (int n = 0; n < 5; ++n)
        if (!parse_field(tok[n], n, bits[n], error)) return std::nullopt;
    if (s.dow_bits_ & (1u << 7)) s.dow_bits_ = (s.dow_bits_ | 1u) & 0x7f;  // 7 is Sunday too
    // Vixie cron decides "restricted" by the first character, so "*/2" counts as unrestricted.
    s.dom_star_ = tok[2][0] == '*';
    s.dow_star_ = tok[4][0] == '*';
    // "0 2 * * *" or "30 1,13 * * *" names the time of day; "*/15 * * * *" or "0 * * * *" do not.
    s.explicit_time_ = tok[0][0] != '*' && tok[1][0] != '*';
    // Refuse an expression no day ever matches ("0 0 31 2 *", "0 0 30 2 *"): it would be accepted
    // and silently never run. Every field has a value, so it is due iff some day matches, and the
    // Gregorian calendar repeats its (weekday, leap year) combinations within any 28 years that do
    // not cross a skipped century leap day: 2001-2028 has every date on every weekday.
    bool some_day = false;
    for (int64_t y = 2001; y <= 2028 && !some_day; ++y)
        for (int m = 1; m <= 12 && !some_day; ++m)
            if (s.month_bits_ >> m & 1)
                for (int d = 1; d <= days_in_month(y, m) && !some_day; ++d) some_day = s.day_matches(y, m, d);
    if (!some_day) return fail("schedule '" + text + "' is never due: no date has that day of the month in those months");
    return s;
}

bool Schedule::day_matches(int64_t year, int month, int day) const {
    const bool dom = dom_bits_ >> day & 1;
    const bool dow = dow_bits_ >> weekday(days_from_civil(year, month, day)) & 1;
    return dom_star_ || dow_star_ ? dom && dow : dom || dow;
}

int64_t Schedule::next_after(int64_t after, const std::string& job, const std::string& tz) const {
    if (kind_ == Kind::interval) {
        // "every tick": due at any later moment; after + 1 is the earliest one strictly after.
        const int64_t step = interval_ == 0 ? 1 : interval_;
        return after > INT64_MAX - step ? INT64_MAX : after + step;
    }
    // Keep all arithmetic far from overflow: beyond year ~10000 nothing is due.
    const int64_t limit = 253402300799;  // 9999-12-31T23:59:59Z
    if (after >= limit || after <= -limit) return INT64_MAX;

    // Unknown zones fall back to UTC; config validation (tz_valid) rejects them before we get here.
    auto zone = load_zone(tz);
    if (!zone) zone = load_zone("UTC");

    // Walk matching wall times upward. Wall -> instant is monotonic (non-decreasing) under the DST
    // rule, and the wall time of `after` maps to `after` or earlier, so nothing before the next
    // minute after it can be due. For macros the candidate is (cron wall time + stagger).
    const int64_t shift = macro_ ? stagger(job) : 0;
    const int64_t wall_after = after + zone->offset_at(after);
    const int64_t first = floor_div(wall_after, 60) * 60 + 60 - shift;
    int64_t y;
    int m, d;
    civil_from_days(floor_div(first, 86400), &y, &m, &d);
    const int64_t sod = first - floor_div(first, 86400) * 86400;
    int h = static_cast<int>(sod / 3600), mi = static_cast<int>(sod % 3600 / 60);
    const int64_t last_year = y + kSearchYears;

    // Each step either accepts the current field or jumps to the next candidate for it, resetting
    // the smaller fields; overflow (minute 60, hour 24, day > month length, month 13) carries.
    while (y <= last_year) {
        const int nm = next_bit(month_bits_, m);
        if (nm < 0) {
            ++y, m = 1, d = 1, h = 0, mi = 0;
            continue;
        }
        if (nm != m) m = nm, d = 1, h = 0, mi = 0;
        const int dim = days_in_month(y, m);
        while (d <= dim && !day_matches(y, m, d)) ++d, h = 0, mi = 0;
        if (d > dim) {
            ++m, d = 1, h = 0, mi = 0;
            continue;
        }
        const int nh = next_bit(hour_bits_, h);
        if (nh < 0) {
            ++d, h = 0, mi = 0;
            continue;
        }
        if (nh != h) h = nh, mi = 0;
        const int nmi = next_bit(minute_bits_, mi);
        if (nmi < 0) {
            ++h, mi = 0;
            continue;
        }
        mi = nmi;
        const int64_t wall = days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + shift;
        const int64_t t = wall_to_instant(*zone, wall);
        if (t > after) return t;
        ++mi;  // an earlier instant: the first occurrence of a repeated hour we are already past
    }
    return INT64_MAX;
}

int64_t Schedule::early_tolerance() const {
    if (kind_ != Kind::interval) return 0;
    return std::min<int64_t>(60, interval_ / 10);
}

int64_t Schedule::current_slot(int64_t due, int64_t now, const std::string& job) const {
    if (kind_ != Kind::interval || interval_ == 0) return due > 0 ? due : now;
    // Before the first run the grid starts at the epoch plus the stagger: `every 15m` lands on
    // :00/:15/:30/:45 UTC, in step with a 5- or 15-minute crontab.
    const int64_t anchor = due > 0 ? due : stagger(job);
    if (due <= 0) {
        // First run: the next slot is the first one at least half an interval away, so a daily
        // job whose grid slot is 01:07 does not run at 01:00 and again at 01:15.
        // At least 1 s: for `every 1s` half an interval is 0 and the next due time was `now`
        // itself, due again at once (found by tests/fuzz/schedule.cpp).
        const int64_t from = now + std::max<int64_t>(1, interval_ / 2);
        const int64_t k = from <= anchor ? 0 : (from - anchor + interval_ - 1) / interval_;
        return anchor + k * interval_ - interval_;
    }
    const int64_t reach = now + early_tolerance();
    if (reach < anchor) return anchor - interval_;  // ran before its slot (not by the scheduler)
    return anchor + (reach - anchor) / interval_ * interval_;
}

int64_t Schedule::next_due(int64_t due, int64_t now, const std::string& job, const std::string& tz) const {
    if (kind_ == Kind::cron) return next_after(now, job, tz);
    if (interval_ == 0) return now == INT64_MAX ? INT64_MAX : now + 1;
    const int64_t slot = current_slot(due, now, job);
    return slot > INT64_MAX - interval_ ? INT64_MAX : slot + interval_;
}

int64_t Schedule::first_due(int64_t now, const std::string& job, const std::string& tz) const {
    if (!explicit_time_) return 0;
    // next_after is strictly after; starting one second before this minute makes the current
    // minute count.
    return next_after(floor_div(now, 60) * 60 - 1, job, tz);
}

int64_t Schedule::stagger(const std::string& job) const {
    int64_t window_minutes = 0;
    if (kind_ == Kind::cron)
        window_minutes = macro_ ? 180 : 0;
    else if (interval_ >= 86400)
        window_minutes = std::min<int64_t>(interval_ / 8, 3 * 3600) / 60;
    if (window_minutes <= 0) return 0;
    return static_cast<int64_t>(fnv1a(job) % static_cast<uint64_t>(window_minutes)) * 60;
}

bool tz_offset(const std::string& tz, int64_t t, int64_t* offset) {
    auto zone = load_zone(tz);
    if (!zone) return false;
    if (offset) *offset = zone->offset_at(t);
    return true;
}

bool tz_valid(const std::string& tz) { return load_zone(tz) != nullptr; }

}  // namespace mj
