#include "core/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

void Logger::configure(const Options& o) {
    level_ = o.level;
    if (file_) std::fclose(file_), file_ = nullptr;
    bool tty = isatty(STDERR_FILENO);
    if (!o.file.empty() && o.file != "-") {
        struct stat st {};
        if (stat(o.file.c_str(), &st) == 0 && st.st_size > o.max_bytes)
            std::rename(o.file.c_str(), (o.file + ".1").c_str());  // one old generation is kept
        int fd = ::open(o.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd >= 0) file_ = fdopen(fd, "a");
        if (!file_) std::fprintf(stderr, "mailjobs: warning: cannot open log file %s; logging to stderr\n", o.file.c_str());
    }
    bool json_on_stderr = o.format == "json" || (o.format == "auto" && !tty);
    if (file_) {
        // With a log file, a terminal still gets readable progress; cron gets only errors.
        stderr_text_ = tty && o.format != "json";
        stderr_json_ = false;
    } else {
        stderr_json_ = json_on_stderr;
        stderr_text_ = !json_on_stderr;
    }
}

Logger::~Logger() {
    if (file_) std::fclose(file_);
}

void Logger::log(Level level, const std::string& event, const nlohmann::json& fields, const std::string& job,
                 int64_t run_id) {
    static const char* names[] = {"debug", "info", "warn", "error"};
    bool wanted = level >= level_;
    if (!wanted && level != Level::error) return;
    auto now = std::chrono::system_clock::now();
    int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::string ts = iso_time(secs);
    char msbuf[8];
    std::snprintf(msbuf, sizeof msbuf, ".%03d", static_cast<int>(ms));
    ts.insert(ts.size() - 1, msbuf);

    if (wanted && (file_ || stderr_json_)) {
        nlohmann::ordered_json line;
        line["ts"] = ts;
        line["level"] = names[static_cast<int>(level)];
        if (run_id) line["run_id"] = run_id;
        if (!job.empty()) line["job"] = job;
        line["event"] = event;
        if (fields.is_object())
            for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
        std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        FILE* out = file_ ? file_ : stderr;
        std::fwrite(text.data(), 1, text.size(), out);
        std::fflush(out);
    }
    if (wanted && stderr_text_) {
        std::string text = ts.substr(11, 8) + " " + names[static_cast<int>(level)] + " ";
        if (!job.empty()) text += job + (run_id ? "[" + std::to_string(run_id) + "]" : "") + " ";
        text += event;
        if (fields.is_object())
            for (auto it = fields.begin(); it != fields.end(); ++it)
                text += " " + it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
        std::fprintf(stderr, "%s\n", text.c_str());
    }
    // Errors always reach stderr once in plain words, unless the readable line above already did.
    if (level == Level::error && !(wanted && stderr_text_)) {
        std::string msg = fields.is_object() && fields.contains("error") && fields["error"].is_string()
                              ? fields["error"].get<std::string>() : event;
        std::fprintf(stderr, "mailjobs: error: %s%s\n", job.empty() ? "" : (job + ": ").c_str(), msg.c_str());
    }
}

}  // namespace mj
