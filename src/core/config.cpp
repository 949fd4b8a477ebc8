#include "core/config.h"

#include <ini.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "core/duration.h"
#include "core/size.h"
#include "core/schedule.h"

namespace mj {
namespace {

bool is_pattern_for(const char* pattern, const std::string& section) {
    std::string p = pattern;
    if (p.size() >= 2 && p.compare(p.size() - 2, 2, ".*") == 0)
        return section.compare(0, p.size() - 1, p, 0, p.size() - 1) == 0 && section.size() > p.size() - 1;
    return false;
}

// Rows of the table that apply to `section`: exact rows first, then pattern rows ("job.*").
std::vector<const KeyDef*> keys_for(const std::string& section) {
    std::vector<const KeyDef*> out;
    for (const auto& k : config_keys())
        if (section == k.section) out.push_back(&k);
    for (const auto& k : config_keys()) {
        if (!is_pattern_for(k.section, section)) continue;
        bool shadowed = std::any_of(out.begin(), out.end(),
                                    [&](const KeyDef* d) { return std::strcmp(d->key, k.key) == 0; });
        if (!shadowed) out.push_back(&k);
    }
    return out;
}

std::string env_name(const std::string& section, const std::string& key) {
    std::string n = "MAILJOBS_" + section + "_" + key;
    for (auto& c : n) c = (c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return n;
}

std::string dirname_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return "";
    return path.substr(0, slash + 1);
}

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

struct ParseState {
    Config* config;
    std::map<std::string, std::map<std::string, Value>>* values;
    std::vector<ConfigProblem>* problems;
    const std::vector<std::string>* known_sections;
    std::string file;
    int line = 0;
    int section_line = 0;  // line of the latest [section] header
    FILE* fp = nullptr;
    std::string buf;  // the line being handed to inih, and how much of it it has
    size_t pos = 0;
    std::map<std::string, int> seen;  // "section\nkey" -> line
    std::map<std::string, bool> reported_sections;
    std::map<std::string, std::string>* section_where = nullptr;
};

// Values end up in `mailjobs config --json`, the log and SQL text: bytes that are not UTF-8 would
// break the first (nlohmann::json refuses them) and garble the others, so they are refused at load.
bool valid_utf8(const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t n;
        uint32_t cp;
        if ((c & 0xe0) == 0xc0) n = 1, cp = c & 0x1f;
        else if ((c & 0xf0) == 0xe0) n = 2, cp = c & 0x0f;
        else if ((c & 0xf8) == 0xf0) n = 3, cp = c & 0x07;
        else return false;
        if (i + n >= s.size()) return false;  // truncated sequence
        for (size_t k = 1; k <= n; ++k) {
            const unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        // overlong forms, UTF-16 surrogates, beyond U+10FFFF
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

void add_section(std::map<std::string, std::map<std::string, Value>>& values, const std::string& section,
                 const std::vector<JobDefaults>* jobs) {
    auto& sec = values[section];
    for (const KeyDef* k : keys_for(section)) {
        Value v;
        v.text = k->def;
        v.origin = "default";
        v.def = k;
        if (jobs && std::strcmp(k->section, "job.*") == 0 && std::strcmp(k->key, "schedule") == 0) {
            for (const auto& j : *jobs)
                if ("job." + j.name == section) v.text = j.schedule;
        }
        sec.emplace(k->key, v);
    }
}

// Longest line jobs.ini may have (a long `where` or URL fits many times over); a longer line is
// one clear problem at its own line number, and the lines after it keep their numbers.
constexpr size_t kMaxLine = 64 * 1024;

// inih reads through this: it hands inih one whole line at a time, so the handler knows the line
// number (Debian's inih is built without INI_HANDLER_LINENO), and it reads lines of any length
// itself. Debian's libinih (55-1) makes inih's buffer options run-time variables; Config::load sets
// them to a growing heap buffer of up to kMaxLine, so inih never cuts a line into bogus pieces.
char* counting_reader(char* str, int num, void* stream) {
    auto* st = static_cast<ParseState*>(stream);
    if (num < 2) return nullptr;
    if (st->pos >= st->buf.size()) {
        st->buf.clear();
        st->pos = 0;
        int ch;
        while ((ch = std::getc(st->fp)) != EOF) {
            st->buf += static_cast<char>(ch);
            if (ch == '\n') break;
        }
        if (st->buf.empty()) return nullptr;
        if (st->buf.back() != '\n') st->buf += '\n';  // every line ends in one: inih stops asking for more
        ++st->line;
        const std::string where = st->file + ":" + std::to_string(st->line);
        if (st->buf.size() - 1 > kMaxLine) {
            st->problems->push_back({where, "line is " + std::to_string(st->buf.size() - 1) + " bytes long; at most " +
                                                std::to_string(kMaxLine) + " are allowed"});
            st->buf = "\n";
        } else if (st->buf.find('\0') != std::string::npos) {
            st->problems->push_back({where, "line contains a NUL byte"});
            st->buf = "\n";
        }
        const char* p = st->buf.c_str();
        while (*p == ' ' || *p == '\t') ++p;
        if (*p == '[') {
            st->section_line = st->line;
            // inih keeps at most 49 bytes of a section name; a longer one would be cut silently.
            size_t close = st->buf.find(']');
            size_t open = static_cast<size_t>(p - st->buf.c_str());
            if (close != std::string::npos && close - open - 1 > 49) {
                st->problems->push_back({where, "section name is longer than 49 characters"});
                st->buf = "\n";
            }
        }
    }
    size_t n = std::min(static_cast<size_t>(num - 1), st->buf.size() - st->pos);
    std::memcpy(str, st->buf.data() + st->pos, n);
    str[n] = '\0';
    st->pos += n;
    return str;
}

void set_value(std::map<std::string, Value>& section, const std::string& key, const std::string& text,
               const std::string& origin) {
    auto& v = section.at(key);
    v.text = text;
    v.origin = origin;
}

int on_ini_entry(void* user, const char* section_c, const char* name_c, const char* value_c) {
    auto* st = static_cast<ParseState*>(user);
    std::string section = section_c, name = name_c ? name_c : "", value = value_c ? value_c : "";
    std::string where = st->file + ":" + std::to_string(st->line);
    auto& values = *st->values;
    if (!values.count(section)) {
        if (section.rfind("retention.", 0) == 0 && section.size() > 10) {
            if (!valid_utf8(section)) {
                if (!st->reported_sections[section])
                    st->problems->push_back({st->file + ":" + std::to_string(st->section_line), "section name is not valid UTF-8"});
                st->reported_sections[section] = true;
                return 1;
            }
            add_section(values, section, nullptr);
            (*st->section_where)[section] = st->file + ":" + std::to_string(st->section_line);
        } else {
            if (!st->reported_sections[section]) {
                st->reported_sections[section] = true;
                std::string hint = did_you_mean(section, *st->known_sections);
                st->problems->push_back({st->file + ":" + std::to_string(st->section_line), "unknown section [" + section + "]" +
                                                    (hint.empty() ? "" : " (did you mean [" + hint + "]?)")});
            }
            return 1;
        }
    }
    if (!name_c) return 1;  // section header only (INI_CALL_HANDLER_ON_NEW_SECTION builds)
    auto& sec = values[section];
    if (!sec.count(name)) {
        std::vector<std::string> keys;
        for (const auto& kv : sec) keys.push_back(kv.first);
        std::string hint = did_you_mean(name, keys);
        st->problems->push_back({where, "unknown key '" + name + "' in [" + section + "]" +
                                            (hint.empty() ? "" : " (did you mean '" + hint + "'?)")});
        return 1;
    }
    std::string id = section + "\n" + name;
    if (st->seen.count(id)) {
        st->problems->push_back({where, "duplicate key '" + name + "' in [" + section + "] (first set on line " +
                                            std::to_string(st->seen[id]) + ")"});
        return 1;
    }
    st->seen[id] = st->line;
    std::string why = validate_value(*sec[name].def, value);
    if (!why.empty()) {
        st->problems->push_back({where, "[" + section + "] " + name + ": " + why});
        return 1;
    }
    set_value(sec, name, value, where);
    return 1;
}

}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        size_t d = edit_distance(word, c);
        if (d < best_d) best_d = d, best = c;
    }
    return best;
}

namespace {

// The range of a key's values (see KeyDef::min/max). The defaults keep every value far from
// overflowing the arithmetic it meets (now - age, seconds * 1000 as an int of milliseconds...).
std::string range_problem(const KeyDef& def, const std::string& text) {
    auto lo_hi = [&](int64_t lo, int64_t hi) { return std::make_pair(def.min >= 0 ? def.min : lo, def.max >= 0 ? def.max : hi); };
    auto duration_in_range = [&](const std::string& item) -> std::string {
        auto [lo, hi] = lo_hi(1, 36500LL * 86400);
        auto v = parse_duration(item, nullptr);
        if (!v) return "";
        if (*v > hi) return "'" + item + "' is too long (at most " + format_duration(hi) + ")";
        if (*v < lo) return "'" + item + "' is too short (at least " + format_duration(lo) + ")";
        return "";
    };
    switch (def.type) {
        case KeyType::integer: {
            auto [lo, hi] = lo_hi(0, 1000000000);
            int64_t v = std::stoll(text);  // validated: 1..15 digits
            if (v < lo || v > hi) return "'" + text + "' is out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + ")";
            return "";
        }
        case KeyType::duration:
            return duration_in_range(text);
        case KeyType::size: {
            auto [lo, hi] = lo_hi(0, int64_t(1) << 50);
            const int64_t v = parse_size(text, nullptr).value_or(0);
            if (v < lo || v > hi) return "'" + text + "' is out of range (" + format_size(lo) + ".." + format_size(hi) + ")";
            return "";
        }
        case KeyType::durations: {
            std::string item;
            for (char ch : text + ",") {
                if (ch != ',') {
                    if (ch != ' ') item += ch;
                    continue;
                }
                if (item.empty()) continue;
                std::string why = duration_in_range(item);
                if (!why.empty()) return why;
                item.clear();
            }
            return "";
        }
        default:
            return "";
    }
}

std::string validate_type(const KeyDef& def, const std::string& text);

}  // namespace

std::string validate_value(const KeyDef& def, const std::string& text) {
    if (!valid_utf8(text)) return "value is not valid UTF-8";
    std::string why = validate_type(def, text);
    return why.empty() ? range_problem(def, text) : why;
}

namespace {

std::string validate_type(const KeyDef& def, const std::string& text) {
    std::string err;
    switch (def.type) {
        case KeyType::string:
        case KeyType::path:
        case KeyType::list:
            return "";
        case KeyType::boolean:
            if (text == "true" || text == "false" || text == "yes" || text == "no" || text == "on" ||
                text == "off" || text == "1" || text == "0")
                return "";
            return "expected true or false, got '" + text + "'";
        case KeyType::integer: {
            if (text.empty()) return "expected a whole number, got nothing";
            for (char c : text)
                if (c < '0' || c > '9') return "expected a whole number >= 0, got '" + text + "'";
            if (text.size() > 15) return "number '" + text + "' is too large";
            return "";
        }
        case KeyType::duration:
            // A key whose range starts at 0 ([job.account-deletion] grace) takes "0" as "none".
            if (text == "0" && def.min == 0) return "";
            if (parse_duration(text, &err)) return "";
            return err;
        case KeyType::durations: {
            std::string item;
            bool any = false;
            for (char ch : text + ",") {
                if (ch != ',') {
                    if (ch != ' ') item += ch;
                    continue;
                }
                if (item.empty()) continue;
                if (!parse_duration(item, &err)) return err;
                any = true;
                item.clear();
            }
            return any ? "" : "expected a comma-separated list of durations, e.g. 1h,6h,24h";
        }
        case KeyType::schedule:
            if (text == "off" || Schedule::parse(text, &err)) return "";
            return err;
        case KeyType::timezone:
            if (tz_valid(text)) return "";
            // A valid name on a host without the zone database (a chroot, a minimal container) is
            // not "unknown": say what is missing. The folders are load_zone()'s (schedule.cpp).
            if (const char* tzdir = std::getenv("TZDIR"); tzdir && *tzdir) {
                struct stat st;
                if (stat(tzdir, &st) != 0)
                    return "timezone '" + text + "': TZDIR " + tzdir + " does not exist (use UTC or a valid TZDIR)";
            } else {
                struct stat st;
                if (stat("/usr/share/zoneinfo", &st) != 0 && stat("/usr/lib/zoneinfo", &st) != 0 &&
                    stat("/usr/share/lib/zoneinfo", &st) != 0)
                    return "timezone '" + text + "' needs the time zone database, and /usr/share/zoneinfo is missing "
                           "(install tzdata, set TZDIR, or use UTC)";
            }
            return "unknown timezone '" + text + "' (use UTC or a name like Europe/Berlin)";
        case KeyType::choice: {
            std::string all = def.choices ? def.choices : "";
            size_t start = 0;
            while (start <= all.size()) {
                size_t bar = all.find('|', start);
                if (bar == std::string::npos) bar = all.size();
                if (all.compare(start, bar - start, text) == 0 && bar - start == text.size()) return "";
                start = bar + 1;
            }
            std::string shown = all;
            std::replace(shown.begin(), shown.end(), '|', ',');
            return "expected one of " + shown + ", got '" + text + "'";
        }
        case KeyType::millis:
            if (parse_duration_ms(text, &err)) return "";
            return err;
        case KeyType::size:
            if (parse_size(text, &err)) return "";
            return err;
        case KeyType::mode: {
            // Octal, 3 or 4 digits; the owner must read and write the file (SQLite needs both).
            bool octal = (text.size() == 3 || text.size() == 4) && text.find_first_not_of("01234567") == std::string::npos;
            if (!octal) return "expected an octal file mode such as 0600 or 0660, got '" + text + "'";
            const long mode = std::strtol(text.c_str(), nullptr, 8);
            if (mode & ~0666L) return "file mode '" + text + "' has execute or special bits; use rw bits only, e.g. 0600 or 0660";
            if ((mode & 0600) != 0600) return "file mode '" + text + "' must let the owner read and write (0600 at least)";
            return "";
        }
        case KeyType::url:
            if (text.empty() || text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0) return "";
            return "expected an http:// or https:// URL, got '" + text + "'";
    }
    return "";
}

}  // namespace

Config Config::load(const LoadOptions& options, std::vector<ConfigProblem>* problems) {
    Config c;
    // 1. built-in defaults for every known section
    std::vector<std::string> known_sections;
    for (const auto& k : config_keys()) {
        std::string s = k.section;
        if (s.find('*') != std::string::npos) continue;
        if (std::find(known_sections.begin(), known_sections.end(), s) == known_sections.end())
            known_sections.push_back(s);
    }
    for (const auto& j : options.jobs) known_sections.push_back("job." + j.name);
    known_sections.erase(std::remove_if(known_sections.begin(), known_sections.end(),
                                        [&](const std::string& s) {
                                            if (s.rfind("job.", 0) != 0) return false;
                                            for (const auto& j : options.jobs)
                                                if (s == "job." + j.name) return false;
                                            return true;  // a job.NAME row for a job not in the registry
                                        }),
                         known_sections.end());
    for (const auto& s : known_sections) add_section(c.values_, s, &options.jobs);

    // 2. jobs.ini
    std::string file = options.file;
    bool explicit_file = !file.empty();
    if (file.empty()) {
        const char* env = std::getenv("MAILJOBS_CONFIG");
        if (env && *env) file = env, explicit_file = true;
    }
    if (file.empty()) file = "jobs.ini";
    c.file_ = file;
    ParseState st;
    st.config = &c;
    st.values = &c.values_;
    st.problems = problems;
    st.known_sections = &known_sections;
    st.file = file;
    st.section_where = &c.section_where_;
    // Only a file that does not exist at all (not even as a dangling symlink) means "no jobs.ini":
    // the implicit ./jobs.ini of a cron line that exists but cannot be read, or is a folder, must
    // stop the run (exit 2). Falling back to defaults there would create a fresh empty database
    // and report success while the real one is never cleaned.
    struct stat link_st {}, file_st {};
    const bool exists = lstat(file.c_str(), &link_st) == 0;
    if (!exists && errno == ENOENT && !explicit_file) {
        c.file_.clear();
    } else if (!exists || stat(file.c_str(), &file_st) != 0) {
        problems->push_back({file, std::string("cannot read config file: ") + std::strerror(errno)});
    } else if (S_ISDIR(file_st.st_mode)) {
        problems->push_back({file, "cannot read config file: is a directory (--config and MAILJOBS_CONFIG name the file, e.g. " +
                                       (file.empty() || file.back() == '/' ? file : file + "/") + "jobs.ini)"});
    } else if (!S_ISREG(file_st.st_mode)) {
        // A FIFO would block the cron run forever; a device is never a configuration.
        problems->push_back({file, "cannot read config file: not a regular file"});
    } else if (!(st.fp = std::fopen(file.c_str(), "r"))) {
        problems->push_back({file, std::string("cannot read config file: ") + std::strerror(errno)});
    } else {
        c.file_found_ = true;
        c.base_dir_ = dirname_of(file);
        ini_use_stack = false;
        ini_allow_realloc = true;
        ini_initial_alloc = 512;
        ini_max_line = static_cast<int>(kMaxLine) + 3;  // + '\r', '\n', '\0' (inih's rule)
        int rc = ini_parse_stream(counting_reader, &st, on_ini_entry, &st);
        const int read_errno = std::ferror(st.fp) ? errno : 0;
        std::fclose(st.fp);
        if (read_errno) problems->push_back({file, std::string("cannot read config file: ") + std::strerror(read_errno)});
        else if (rc > 0) problems->push_back({file + ":" + std::to_string(rc), "syntax error (expected [section] or key = value)"});
    }

    // 3. environment, 4. command line
    for (auto& [section, keys] : c.values_) {
        for (auto& [key, v] : keys) {
            std::string name = env_name(section, key);
            const char* e = std::getenv(name.c_str());
            if (!e) continue;
            std::string why = validate_value(*v.def, e);
            if (!why.empty()) problems->push_back({"env " + name, why});
            else set_value(keys, key, e, "env");
        }
    }
    for (const auto& set : options.cli_sets) {
        auto eq = set.find('=');
        auto dot = set.rfind('.', eq);
        if (eq == std::string::npos || dot == std::string::npos) {
            problems->push_back({"--set", "expected SECTION.KEY=VALUE, got '" + set + "'"});
            continue;
        }
        std::string section = set.substr(0, dot), key = set.substr(dot + 1, eq - dot - 1), text = set.substr(eq + 1);
        if (!c.values_.count(section) || !c.values_[section].count(key)) {
            problems->push_back({"--set", "unknown key " + section + "." + key});
            continue;
        }
        std::string why = validate_value(*c.values_[section][key].def, text);
        if (!why.empty()) problems->push_back({"--set", section + "." + key + ": " + why});
        else set_value(c.values_[section], key, text, "cli");
    }

    // Operator retention policies need their identifying keys.
    for (const auto& s : c.retention_sections())
        for (const char* required : {"table", "time_column", "older_than"})
            if (c.values_[s][required].text.empty())
                problems->push_back({c.section_where_.count(s) ? c.section_where_[s] : c.file_, "[" + s + "] needs '" + required + "'"});
    check_key_relations(c, problems);  // keys that bound each other (config_relations.cpp)
    return c;
}

std::vector<std::string> Config::retention_sections() const {
    std::vector<std::string> out;
    for (const auto& kv : values_)
        if (kv.first.rfind("retention.", 0) == 0) out.push_back(kv.first);
    return out;
}

bool Config::has(const std::string& section, const std::string& key) const {
    auto s = values_.find(section);
    return s != values_.end() && s->second.count(key);
}

const Value& Config::value(const std::string& section, const std::string& key) const {
    auto s = values_.find(section);
    if (s == values_.end()) throw std::logic_error("config: unknown section " + section);
    auto k = s->second.find(key);
    if (k == s->second.end()) throw std::logic_error("config: unknown key " + section + "." + key);
    return k->second;
}

const std::string& Config::str(const std::string& section, const std::string& key) const {
    return value(section, key).text;
}

int64_t Config::integer(const std::string& section, const std::string& key) const {
    const auto& t = str(section, key);
    return t.empty() ? 0 : std::stoll(t);
}

bool Config::boolean(const std::string& section, const std::string& key) const {
    const auto& t = str(section, key);
    return t == "true" || t == "yes" || t == "on" || t == "1";
}

int64_t Config::millis(const std::string& section, const std::string& key) const {
    std::string err;
    auto d = parse_duration_ms(str(section, key), &err);
    return d ? *d : 0;
}

int64_t Config::bytes(const std::string& section, const std::string& key) const {
    return parse_size(str(section, key), nullptr).value_or(0);
}

int Config::file_mode(const std::string& section, const std::string& key) const {
    return static_cast<int>(std::strtol(str(section, key).c_str(), nullptr, 8));
}

int64_t Config::duration(const std::string& section, const std::string& key) const {
    const auto& t = str(section, key);
    if (t.empty() || t == "0") return 0;
    std::string err;
    auto d = parse_duration(t, &err);
    return d ? *d : 0;
}

std::vector<std::string> Config::list(const std::string& section, const std::string& key) const {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : str(section, key) + ",") {
        if (ch == ',') {
            while (!cur.empty() && cur.back() == ' ') cur.pop_back();
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else if (!(ch == ' ' && cur.empty())) {
            cur += ch;
        }
    }
    return out;
}

std::string Config::path(const std::string& section, const std::string& key) const {
    const Value& v = value(section, key);
    if (v.text.empty() || v.text[0] == '/') return v.text;
    if (v.text.find("://") != std::string::npos) return v.text;  // a URL (database = postgresql://...): not a path
    bool from_file_or_default = v.origin == "default" || v.origin.rfind(file_ + ":", 0) == 0;
    if (file_found_ && from_file_or_default) return base_dir_ + v.text;
    return v.text;
}

}  // namespace mj
