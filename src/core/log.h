// Logging: JSON Lines (ts, level, run_id, job, event, fields...) to the log file, readable lines
// on a terminal, and every error also as "mailjobs: error: ..." on stderr so cron mail is readable.
// Disabled levels cost one comparison (like ccache's LOG()).
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

namespace mj {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

class Logger {
public:
    struct Options {
        std::string file;          // "" or "-" = stderr only
        std::string format = "auto";  // auto | json | text
        Level level = Level::info;
        int64_t max_bytes = 10 << 20;  // rotate to FILE.1 when larger at open
    };
    void configure(const Options& options);
    ~Logger();

    bool enabled(Level level) const { return level >= level_; }
    // event: a stable snake_case name ("run_start", "batch", "lock_held"); fields: extra JSON keys.
    void log(Level level, const std::string& event, const nlohmann::json& fields = {},
             const std::string& job = "", int64_t run_id = 0);
    void set_level(Level level) { level_ = level; }

private:
    FILE* file_ = nullptr;
    bool stderr_text_ = false;   // write readable lines to stderr (terminal)
    bool stderr_json_ = false;   // write JSON to stderr (no file configured, not a terminal)
    Level level_ = Level::info;
};

Logger& logger();  // the process-wide logger

// UTC ISO-8601 "2026-11-23T10:00:00Z".
std::string iso_time(int64_t unix_seconds);
// Any strftime format in UTC, e.g. "%d %B %Y, %H:%M UTC" for notices.
std::string format_utc(int64_t unix_seconds, const char* format);

}  // namespace mj
