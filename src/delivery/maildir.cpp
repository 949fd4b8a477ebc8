// The maildir transport: each message becomes one file in [mail] maildir_path/new, written to
// tmp/ first, fsynced, then renamed (the Maildir protocol: a reader never sees half a file).
// Names are "SECONDS.M<usec>P<pid>Q<n>.<host>", unique per process and message. The envelope is
// kept in the first lines as "Return-Path:" and one "Delivered-To:" per recipient, the way a
// delivery agent writes it. Every failure is transient (disk full, permissions: nothing is wrong
// with the message) and transport_down.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/lease.h"
#include "delivery/mail_transports.h"

namespace mj {
namespace {

bool make_dir(const std::string& path, std::string* error) {
    if (mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) return true;
    *error = "cannot create " + path + ": " + std::strerror(errno);
    return false;
}

bool write_all(int fd, const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

class MaildirTransport : public MailTransport {
public:
    MaildirTransport(std::string dir, int64_t max_bytes) : MailTransport(max_bytes), dir_(std::move(dir)) {}
    const char* name() const override { return "maildir"; }

protected:
    SendResult deliver(const MailMessage& m) override {
        std::string error;
        for (const char* sub : {"", "/tmp", "/new", "/cur"})
            if (!make_dir(dir_ + sub, &error)) return {SendStatus::transient, 0, error, true};
        timeval tv{};
        gettimeofday(&tv, nullptr);
        std::string base = std::to_string(tv.tv_sec) + ".M" + std::to_string(tv.tv_usec) + "P" + std::to_string(getpid()) +
                           "Q" + std::to_string(++count_) + "." + Lease::host();
        std::string tmp = dir_ + "/tmp/" + base, dst = dir_ + "/new/" + base;
        std::string text = "Return-Path: <" + m.from + ">\n";
        for (const auto& to : m.to) text += "Delivered-To: " + to + "\n";
        for (size_t i = 0; i < m.data.size(); ++i)  // LF line ends, as files in a maildir have
            if (!(m.data[i] == '\r' && i + 1 < m.data.size() && m.data[i + 1] == '\n')) text += m.data[i];
        int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) return {SendStatus::transient, 0, "cannot create " + tmp + ": " + std::strerror(errno), true};
        bool ok = write_all(fd, text) && fsync(fd) == 0;
        int saved = errno;
        ::close(fd);
        if (!ok || rename(tmp.c_str(), dst.c_str()) != 0) {
            if (ok) saved = errno;
            unlink(tmp.c_str());
            return {SendStatus::transient, 0, "cannot write " + dst + ": " + std::strerror(saved), true};
        }
        return {SendStatus::ok, 0, ""};
    }

private:
    std::string dir_;
    int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<MailTransport> make_maildir_transport(const Config& config, int64_t max_bytes) {
    return std::make_unique<MaildirTransport>(config.path("mail", "maildir_path"), max_bytes);
}

}  // namespace mj
