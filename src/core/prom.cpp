#include "core/prom.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "core/error.h"

namespace mj {
namespace {

std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') { out += "\\n"; continue; }
        out += c;
    }
    return out;
}

std::string number(const nlohmann::json& v) {
    if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v.get<double>());
    return buf;
}

struct Family {
    std::string text;
    void head(const std::string& name, const std::string& type, const std::string& help) {
        text += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    }
    void sample(const std::string& name, const std::string& labels, const nlohmann::json& value) {
        text += name + "{" + labels + "} " + number(value) + "\n";
    }
};

// "dir/name" with dir resolved (symlinks, "..", "./"): two spellings of one place compare equal
// even when the file itself does not exist. Unresolvable folders stay as given.
std::string resolved_name(const std::string& path) {
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    char buf[PATH_MAX];
    if (!realpath(dir.c_str(), buf)) return path;
    std::string out = buf;
    return (out == "/" ? "" : out) + "/" + base;
}

}  // namespace

const char* const kPromHeader = "# mailjobs metrics";

std::string prom_text(const nlohmann::json& st) {
    Family f;
    // A comment line to Prometheus; to write_metrics_file, the mark of a file it may replace.
    f.text = std::string(kPromHeader) + " (written by mailjobs status --prom; replaced on every run)\n";
    // Per job: one family at a time (the format wants a family's samples together).
    auto per_job = [&](const std::string& name, const std::string& type, const std::string& help,
                       const std::function<nlohmann::json(const nlohmann::json&)>& value) {
        f.head(name, type, help);
        for (const auto& j : st["jobs"]) {
            nlohmann::json v = value(j);
            if (!v.is_null()) f.sample(name, "job=\"" + label(j["name"].get<std::string>()) + "\"", v);
        }
    };
    auto field = [](const char* key) {
        return [key](const nlohmann::json& j) { return j.contains(key) ? j[key] : nlohmann::json(nullptr); };
    };
    per_job("mailjobs_job_enabled", "gauge", "1 if the job runs when due", field("enabled"));
    per_job("mailjobs_job_running", "gauge", "1 while a live lease is held for the job", field("running"));
    per_job("mailjobs_job_consecutive_failures", "gauge", "failed runs in a row (alerts at [alerts] failure_threshold)",
            field("consecutive_failures"));
    per_job("mailjobs_job_last_run_start_timestamp_seconds", "gauge", "unix time the last run started", field("last_started_at"));
    per_job("mailjobs_job_last_run_end_timestamp_seconds", "gauge", "unix time the last run ended", field("last_finished_at"));
    per_job("mailjobs_job_last_run_duration_seconds", "gauge", "duration of the last run", [](const nlohmann::json& j) {
        return j.contains("last_duration_ms") ? nlohmann::json(j["last_duration_ms"].get<int64_t>() / 1000.0) : nlohmann::json(nullptr);
    });
    per_job("mailjobs_job_last_run_failed", "gauge", "1 if the last run failed, 0 if it did not", [](const nlohmann::json& j) {
        return j["last_outcome"].is_null() ? nlohmann::json(nullptr) : nlohmann::json(j["last_outcome"] == "failed");
    });
    f.head("mailjobs_job_last_outcome", "gauge", "1 for the outcome of the job's last run (done, more, skipped, failed)");
    for (const auto& j : st["jobs"])
        if (!j["last_outcome"].is_null())
            f.sample("mailjobs_job_last_outcome", "job=\"" + label(j["name"].get<std::string>()) + "\",outcome=\"" +
                     label(j["last_outcome"].get<std::string>()) + "\"", 1);
    per_job("mailjobs_job_next_due_timestamp_seconds", "gauge", "unix time the job is next due", field("next_due_at"));

    const nlohmann::json queues = st.value("queues", nlohmann::json::object());
    auto per_queue = [&](const std::string& name, const std::string& help, const char* key) {
        f.head(name, "gauge", help);
        for (auto it = queues.begin(); it != queues.end(); ++it)
            if (it.value().contains(key) && !it.value()[key].is_null()) f.sample(name, "queue=\"" + label(it.key()) + "\"", it.value()[key]);
    };
    per_queue("mailjobs_queue_pending", "rows waiting or being worked on (failed_emails, delivery_log retries, notification_outbox)", "pending");
    per_queue("mailjobs_queue_due", "pending rows that are due now (their user active)", "due");
    per_queue("mailjobs_queue_waiting_user_inactive", "due rows held back because their user is soft-deleted or not active",
              "waiting_user_inactive");
    per_queue("mailjobs_queue_oldest_pending_age_seconds", "age of the oldest pending row", "oldest_pending_age_s");
    // issue 17: the disk quota, by kind
    if (st.contains("disk")) {
        f.head("mailjobs_disk_bytes", "gauge", "bytes on disk by kind: database, wal, spool, exports, archives, backups");
        for (auto it = st["disk"].begin(); it != st["disk"].end(); ++it)
            f.sample("mailjobs_disk_bytes", "kind=\"" + label(it.key()) + "\"", it.value());
    }
    f.head("mailjobs_status_timestamp_seconds", "gauge", "unix time these values were read");
    f.text += "mailjobs_status_timestamp_seconds " + number(st["now"]) + "\n";
    return f.text;
}

void write_metrics_file(const std::string& path, const std::string& text, const std::vector<std::string>& protected_files) {
    auto refuse = [&](const std::string& why) {
        throw Error(kExitUsage, "refusing to write metrics to '" + path + "': " + why + "; nothing was written");
    };
    struct stat target {};
    bool exists = stat(path.c_str(), &target) == 0;
    if (!exists && errno != ENOENT) {
        std::string reason = std::strerror(errno);
        throw Error(kExitUsage, "cannot write '" + path + "': " + reason);
    }
    // By identity first: a hard link or symlink to the database has another name but the same inode.
    // By resolved name too: the database's -wal or -journal may not exist at this moment, and a
    // metrics file created under that name would be read by SQLite as its journal.
    const std::string name = resolved_name(path);
    for (const auto& p : protected_files) {
        if (p.empty()) continue;
        struct stat st {};
        bool same = exists && stat(p.c_str(), &st) == 0 && st.st_dev == target.st_dev && st.st_ino == target.st_ino;
        if (same || name == resolved_name(p)) refuse("it is " + p + ", a file mailjobs uses");
    }
    if (!exists) return write_file_atomically(path, text);
    if (!S_ISREG(target.st_mode)) refuse("it exists and is not a regular file");
    // Only a file that starts with our own header line: anything else is someone's data.
    std::string head(std::strlen(kPromHeader), '\0');
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        std::string reason = std::strerror(errno);
        throw Error(kExitUsage, "cannot read '" + path + "' to check it is a metrics file: " + reason);
    }
    ssize_t n = read(fd, &head[0], head.size());
    close(fd);
    if (n != static_cast<ssize_t>(head.size()) || head != kPromHeader)
        refuse(std::string("it exists and is not a metrics file written by mailjobs (its first line is not '") + kPromHeader +
               "'); remove it or choose another path");
    write_file_atomically(path, text);
}

void write_file_atomically(const std::string& path, const std::string& text) {
    // A fresh name (O_EXCL, via mkstemp): never opens, truncates or follows anything already there.
    std::string tmp = path + ".tmp.XXXXXX";
    auto fail = [&](const std::string& what) {
        std::string reason = std::strerror(errno);
        unlink(tmp.c_str());
        throw Error(kExitUsage, "cannot " + what + " '" + path + "': " + reason);
    };
    int fd = mkstemp(&tmp[0]);
    if (fd < 0) {
        std::string reason = std::strerror(errno);
        throw Error(kExitUsage, "cannot write '" + path + "': " + reason);
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (fchmod(fd, 0644) != 0) { close(fd); fail("write"); }  // the textfile collector may run as another user
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { close(fd); fail("write"); }
        done += static_cast<size_t>(n);
    }
    if (fsync(fd) != 0) { close(fd); fail("write"); }
    close(fd);
    if (rename(tmp.c_str(), path.c_str()) != 0) fail("replace");
}

}  // namespace mj
