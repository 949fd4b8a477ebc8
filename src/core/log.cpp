#include "core/log.h"
#include "core/text.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <chrono>
#include <ctime>

namespace mj {

Logger& logger() {
    static Logger instance;
    return instance;
}

std::string format_utc(int64_t t, const char* format) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

std::string iso_time(int64_t t) { return format_utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

void Logger::warn_once(bool* warned, const std::string& what, int err) {
    if (*warned) return;
    *warned = true;
    std::fprintf(stderr, "mailjobs: warning: %s log file %s: %s (the run goes on; errors still come here)\n",
                 what.c_str(), path_.c_str(), std::strerror(err));
}

void Logger::configure(const Options& o) {
    level_ = o.level;
    terminal_level_ = std::max(o.level, o.terminal_level);
    if (fd_ >= 0) ::close(fd_), fd_ = -1;
    path_.clear();
    max_bytes_ = o.max_bytes;
    keep_ = o.keep;
    bool tty = isatty(STDERR_FILENO);
    if (!o.file.empty() && o.file != "-") {
        path_ = o.file;
        fd_ = ::open(o.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd_ < 0) {
            bool warned = false;
            warn_once(&warned, "cannot open", errno);
            std::fprintf(stderr, "mailjobs: warning: log lines go to stderr instead\n");
        }
    }
    bool json_on_stderr = o.format == "json" || (o.format == "auto" && !tty);
    if (fd_ >= 0) {
        // With a log file, a terminal still gets readable progress; cron gets only errors.
        stderr_text_ = tty && o.format != "json";
        stderr_json_ = false;
    } else {
        stderr_json_ = json_on_stderr;
        stderr_text_ = !json_on_stderr;
    }
}

Logger::~Logger() {
    if (fd_ >= 0) ::close(fd_);
}

bool Logger::rotate_if_needed(size_t next_line) {
    struct stat mine {};
    if (max_bytes_ <= 0 || fstat(fd_, &mine) != 0 || !S_ISREG(mine.st_mode)) return false;  // /dev/full, a pipe
    if (mine.st_size == 0 || mine.st_size + static_cast<int64_t>(next_line) <= max_bytes_) return false;
    // Serialise rotations between processes on the folder (no extra lock file to clean up).
    std::string dir = path_.find('/') == std::string::npos ? "." : path_.substr(0, path_.rfind('/'));
    if (dir.empty()) dir = "/";
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || flock(dfd, LOCK_EX) != 0) {
        warn_once(&warned_rotate_, "cannot rotate", errno);
        if (dfd >= 0) ::close(dfd);
        return false;
    }
    // Check after the lock: another process may have rotated already (FILE is a new file now),
    // then only reopen it.
    struct stat cur {};
    bool same = stat(path_.c_str(), &cur) == 0 && cur.st_dev == mine.st_dev && cur.st_ino == mine.st_ino;
    bool ok = true;
    if (same && cur.st_size + static_cast<int64_t>(next_line) > max_bytes_) {
        for (int k = keep_ - 1; k >= 1 && ok; --k) {
            std::string from = path_ + "." + std::to_string(k), to = path_ + "." + std::to_string(k + 1);
            if (std::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) ok = false;
        }
        if (ok) ok = keep_ > 0 ? std::rename(path_.c_str(), (path_ + ".1").c_str()) == 0 : ::unlink(path_.c_str()) == 0;
        if (!ok) warn_once(&warned_rotate_, "cannot rotate", errno);
    }
    if (ok) {
        int nfd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (nfd >= 0) {
            ::close(fd_);
            fd_ = nfd;
        } else {
            warn_once(&warned_write_, "cannot reopen", errno);  // keep writing to the old one
        }
    }
    flock(dfd, LOCK_UN);
    ::close(dfd);
    return ok;
}

void Logger::write_file(const std::string& line) {
    rotate_if_needed(line.size());
    ssize_t n = ::write(fd_, line.data(), line.size());
    if (n != static_cast<ssize_t>(line.size())) warn_once(&warned_write_, "cannot write", n < 0 ? errno : ENOSPC);
}

void Logger::log(Level level, const std::string& event, const nlohmann::json& fields, const std::string& job,
                 int64_t run_id) {
    static const char* names[] = {"debug", "info", "warn", "error"};
    bool wanted = level >= level_;
    bool term = level >= terminal_level_;  // --quiet raises this one only
    if (!wanted && level != Level::error) return;
    auto now = std::chrono::system_clock::now();
    int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::string ts = iso_time(secs);
    char msbuf[8];
    std::snprintf(msbuf, sizeof msbuf, ".%03d", static_cast<int>(ms));
    ts.insert(ts.size() - 1, msbuf);

    const bool to_stderr = (wanted && fd_ < 0 && stderr_json_ && term) || (term && stderr_text_) || level == Level::error;
    if (to_stderr && before_stderr_) before_stderr_();
    if (wanted && (fd_ >= 0 || (stderr_json_ && term))) {
        nlohmann::ordered_json line;
        line["ts"] = ts;
        line["level"] = names[static_cast<int>(level)];
        if (run_id) line["run_id"] = run_id;
        if (!job.empty()) line["job"] = job;
        line["event"] = event;
        if (fields.is_object())
            for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
        std::string text = json_text(line) + "\n";  // never throws on bytes; no raw C1/bidi for `tail -f`
        if (fd_ >= 0) {
            write_file(text);
        } else {
            std::fwrite(text.data(), 1, text.size(), stderr);
            std::fflush(stderr);
        }
    }
    if (term && stderr_text_) {
        std::string text = ts.substr(11, 8) + " " + names[static_cast<int>(level)] + " ";
        if (!job.empty()) text += job + (run_id ? "[" + std::to_string(run_id) + "]" : "") + " ";
        text += event;
        if (fields.is_object())
            for (auto it = fields.begin(); it != fields.end(); ++it)
                text += " " + it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : json_text(it.value()));
        std::fprintf(stderr, "%s\n", printable(text).c_str());  // issue 11.4: fields hold outside text
    }
    // Errors always reach stderr once in plain words, unless the readable line above already did.
    if (level == Level::error && !(term && stderr_text_)) {
        std::string msg = fields.is_object() && fields.contains("error") && fields["error"].is_string()
                              ? fields["error"].get<std::string>() : event;
        std::fprintf(stderr, "mailjobs: error: %s%s\n", job.empty() ? "" : (job + ": ").c_str(), printable(msg).c_str());
    }
}

}  // namespace mj
