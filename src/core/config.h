// Configuration: built-in defaults < jobs.ini < environment MAILJOBS_<SECTION>_<KEY> < command line.
//
// Every key is described once, in the table of config_keys.cpp (section, key, type, default, help).
// That table drives parsing, validation, `mailjobs config`, the environment names, and the test that
// jobs.ini.sample documents every key. Sections:
//   [general]            process-wide settings
//   [job.NAME]           one per registered job; rows with section "job.*" apply to every job,
//                        rows with section "job.NAME" exist only for that job
//   [retention.NAME]     operator-defined purge policies (rows with section "retention.*")
//   [api] [mail] [http] [alerts] ...   one per subsystem
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mj {

enum class KeyType { string, boolean, integer, duration, schedule, timezone, path, choice, url, list, durations, millis, mode, size };
// millis: a duration that may be given in milliseconds too ("200ms", "1s"). mode: an octal file
// mode such as 0600 or 0660 (owner read+write required, no execute bits, no set-id/sticky bits).
// size: bytes, plain or with a binary unit ("500M", "2G"; core/size.h).
// durations: a comma-separated list of durations ("1h,6h,24h,48h"), each checked like a duration.

struct KeyDef {
    const char* section;   // "general", "job.*", "job.session-cleanup", "retention.*", ...
    const char* key;
    KeyType type;
    const char* def;       // default as text; "" = unset. For job.* "schedule" the registry default.
    const char* help;      // one line, used by `mailjobs config --help` and jobs.ini.sample check
    const char* choices = nullptr;  // for KeyType::choice: "a|b|c"
    // Range checked at load, in the key's unit (seconds for durations and each item of a list of
    // durations, the number itself for integers); -1 = the type's default range: integers
    // 0..1e9, durations 1s..36500d.
    int64_t min = -1;
    int64_t max = -1;
};

// The table (config_keys.cpp).
const std::vector<KeyDef>& config_keys();

struct ConfigProblem {
    std::string where;   // "jobs.ini:12", "env MAILJOBS_GENERAL_X", "--set"
    std::string message; // one line, with a did-you-mean where one fits
};

struct JobDefaults {
    std::string name;
    std::string schedule;
};

struct LoadOptions {
    std::string file;                         // --config; "" = MAILJOBS_CONFIG, then ./jobs.ini
    std::vector<std::string> cli_sets;        // "section.key=value" from --set and shortcut flags
    std::vector<JobDefaults> jobs;            // from the registry
};

struct Value {
    std::string text;
    std::string origin;  // "default", "jobs.ini:12", "env", "cli"
    const KeyDef* def = nullptr;
};

class Config {
public:
    // Loads every layer. Problems (all of them, not just the first) are appended to *problems;
    // the caller stops with exit 2 if there are any. Never touches any file but reading `file`.
    static Config load(const LoadOptions& options, std::vector<ConfigProblem>* problems);

    // Typed getters for keys in the table; throw std::logic_error for a key not in the table
    // (a programming error, caught by tests).
    const std::string& str(const std::string& section, const std::string& key) const;
    int64_t integer(const std::string& section, const std::string& key) const;
    bool boolean(const std::string& section, const std::string& key) const;
    int64_t duration(const std::string& section, const std::string& key) const;  // seconds; 0 if "0"/unset
    int64_t millis(const std::string& section, const std::string& key) const;    // KeyType::millis, in ms
    int file_mode(const std::string& section, const std::string& key) const;     // KeyType::mode
    int64_t bytes(const std::string& section, const std::string& key) const;     // KeyType::size; 0 if unset
    std::vector<std::string> list(const std::string& section, const std::string& key) const;
    const Value& value(const std::string& section, const std::string& key) const;
    bool has(const std::string& section, const std::string& key) const;

    // Paths in jobs.ini are relative to the folder of jobs.ini; elsewhere to the working folder.
    std::string path(const std::string& section, const std::string& key) const;

    const std::string& file() const { return file_; }          // "" when no file was found
    bool file_found() const { return file_found_; }
    // Sections in output order: general, subsystems, jobs, retention policies.
    const std::map<std::string, std::map<std::string, Value>>& values() const { return values_; }
    std::vector<std::string> retention_sections() const;  // "retention.NAME" defined in the file

private:
    std::string file_;
    std::string base_dir_;
    bool file_found_ = false;
    std::map<std::string, std::string> section_where_;  // "retention.NAME" -> "jobs.ini:LINE" of its header
    std::map<std::string, std::map<std::string, Value>> values_;
};

// Keys whose valid values depend on each other (bandwidth-rollup's retentions and lateness, the
// threshold lists): appends one problem per broken relation (config_relations.cpp).
void check_key_relations(const Config& config, std::vector<ConfigProblem>* problems);

// Validates `text` as a value of `def`'s type; returns "" or a one-line reason.
std::string validate_value(const KeyDef& def, const std::string& text);

// Closest candidate within a small edit distance, or "" (for did-you-mean hints).
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace mj
