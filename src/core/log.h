// Logging: JSON Lines (ts, level, run_id, job, event, fields...) to the log file, readable lines
// on a terminal, and every error also as "mailjobs: error: ..." on stderr so cron mail is readable.
// Disabled levels cost one comparison (like ccache's LOG()).
//
// The file (issue 12.8):
//   - `--quiet` quiets the terminal (stderr), not the file: the file keeps log_level, so the
//     recommended cron line `tick --quiet` still leaves the full history in var/mailjobs.log.
//   - Rotation by size: before a line would take the file past max_bytes, FILE.(keep-1) becomes
//     FILE.keep (the oldest is dropped), ..., FILE becomes FILE.1, and a new FILE is started.
//     Two processes may log at once (a tick and a `run` by hand): rotation happens under an
//     exclusive flock on the log's folder, and after taking it the process checks that FILE is
//     still the file it has open (check-after-open); if another process rotated meanwhile it just
//     reopens FILE. Lines are single O_APPEND write()s, so they never interleave.
//   - A file that cannot be opened or written (missing folder, read-only, /dev/full, quota) is one
//     `mailjobs: warning: ...` line on stderr per process, never silent and never a failed run;
//     lines then go to stderr under the terminal's level (open failure) or are dropped (write
//     failure; errors still reach stderr as `mailjobs: error: ...`).
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace mj {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

class Logger {
public:
    struct Options {
        std::string file;          // "" or "-" = stderr only
        std::string format = "auto";  // auto | json | text
        Level level = Level::info;          // the file (and stderr when it is the log)
        Level terminal_level = Level::debug;  // stderr also needs this level (--quiet: warn)
        int64_t max_bytes = 10 << 20;  // general.log_max_bytes; 0 = never rotate
        int keep = 5;                  // general.log_keep: rotated files FILE.1 .. FILE.keep
    };
    void configure(const Options& options);
    ~Logger();

    bool enabled(Level level) const { return level >= level_; }
    // event: a stable snake_case name ("run_start", "batch", "lock_held"); fields: extra JSON keys.
    void log(Level level, const std::string& event, const nlohmann::json& fields = {},
             const std::string& job = "", int64_t run_id = 0);
    void set_level(Level level) { level_ = level; }
    // Runs before any line goes to stderr: the live progress line on the terminal (cli/progress.h)
    // clears itself there, so a log line never lands in the middle of it. Empty = none.
    void set_before_stderr(std::function<void()> fn) { before_stderr_ = std::move(fn); }

private:
    void write_file(const std::string& line);
    bool rotate_if_needed(size_t next_line);  // false: keep writing where we are
    void warn_once(bool* warned, const std::string& what, int err);

    int fd_ = -1;                // the log file, O_APPEND
    std::string path_;
    int64_t max_bytes_ = 0;
    int keep_ = 5;
    bool warned_write_ = false, warned_rotate_ = false;
    bool stderr_text_ = false;   // write readable lines to stderr (terminal)
    bool stderr_json_ = false;   // write JSON to stderr (no file configured, not a terminal)
    Level level_ = Level::info;
    Level terminal_level_ = Level::info;  // max(level_, Options::terminal_level)
    std::function<void()> before_stderr_;
};

Logger& logger();  // the process-wide logger

// UTC ISO-8601 "2026-11-23T10:00:00Z".
std::string iso_time(int64_t unix_seconds);
// Any strftime format in UTC, e.g. "%d %B %Y, %H:%M UTC" for notices.
std::string format_utc(int64_t unix_seconds, const char* format);

}  // namespace mj
