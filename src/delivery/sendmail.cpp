// The sendmail transport: runs [mail] sendmail_command (default "/usr/sbin/sendmail -t -i", i.e.
// Exim on cPanel) without a shell and writes the message to its standard input.
//
// The command is split on spaces (no quoting, no shell: nothing in a message or an address can
// become a command). Arguments: the configured ones; "-i" is added if missing (otherwise a line
// holding a lone "." would end the message early). When the message's headers name its
// recipients (notices we build) and the command has -t, sendmail reads them from the headers.
// Otherwise (forwards: their To: names the alias) -t is dropped and the envelope is passed as
// "-f SENDER -- RCPT...". Exit status: 0 sent; 75 EX_TEMPFAIL and the resource errors 71-74
// transient; cannot run (126/127), killed or timed out transient and transport_down; any other
// status permanent. stderr and stdout are captured into the error. A program still running after
// [mail] timeout is killed (SIGKILL) and waited for, so a hung sendmail never holds the run; if it
// had read the whole message by then, the outcome is unknown (it may have queued it) and counts
// as an attempt (SendResult.outcome_unknown), otherwise it is transport_down.
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/error.h"
#include "delivery/mail_transports.h"

namespace mj {
namespace {

std::vector<std::string> split_command(const std::string& cmd) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : cmd + " ") {
        if (c == ' ' || c == '\t') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    return out;
}

bool has(const std::vector<std::string>& v, const char* s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// LF line ends: what a local sendmail expects on its standard input.
std::string to_lf(const std::string& data) {
    std::string out;
    out.reserve(data.size());
    for (size_t i = 0; i < data.size(); ++i)
        if (!(data[i] == '\r' && i + 1 < data.size() && data[i + 1] == '\n')) out += data[i];
    return out;
}

struct ChildResult {
    bool started = false, timed_out = false;
    bool input_done = false;  // the whole input was written and stdin closed
    int status = 0;          // waitpid status
    std::string output;      // stderr + stdout, first 4 KiB
    std::string io_error;
};

// Ignores SIGPIPE while it lives: a program that exits without reading all of its input must give
// us EPIPE, not kill us (main() ignores it anyway; this keeps the transport safe in any process).
struct IgnoreSigpipe {
    struct sigaction old {};
    IgnoreSigpipe() {
        struct sigaction ign {};
        ign.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &ign, &old);
    }
    ~IgnoreSigpipe() { sigaction(SIGPIPE, &old, nullptr); }
};

// Runs argv with `input` on stdin; kills it after `timeout_s`.
ChildResult run_child(const std::vector<std::string>& args, const std::string& input, int64_t timeout_s) {
    ChildResult r;
    IgnoreSigpipe guard;
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) { r.io_error = std::strerror(errno); return r; }
    if (pipe2(out, O_CLOEXEC) != 0) { r.io_error = std::strerror(errno); close(in[0]); close(in[1]); return r; }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) {
        r.io_error = std::string("fork: ") + std::strerror(errno);
        for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
        return r;
    }
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        signal(SIGPIPE, SIG_DFL);
        execvp(argv[0], argv.data());
        std::string msg = "cannot run " + args[0] + ": " + std::strerror(errno) + "\n";
        (void)!write(2, msg.data(), msg.size());
        _exit(127);
    }
    r.started = true;
    close(in[0]);
    close(out[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    size_t written = 0;
    int wfd = in[1], rfd = out[0];
    if (input.empty()) { close(wfd); wfd = -1; r.input_done = true; }
    // After the last byte is written, stdin stays open until the program has read it all
    // (FIONREAD on the pipe says what is unread): only then is the message handed over
    // (input_done), and only then does the program see the end of its input.
    bool all_written = false;
    while (rfd >= 0 || wfd >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) { r.timed_out = true; break; }
        pollfd fds[2];
        int n = 0, ri = -1, wi = -1;
        if (rfd >= 0) { ri = n; fds[n++] = {rfd, POLLIN, 0}; }
        // Once all is written, POLLOUT would always be ready; events 0 still reports POLLERR (no reader left).
        if (wfd >= 0) { wi = n; fds[n++] = {wfd, static_cast<short>(all_written ? 0 : POLLOUT), 0}; }
        int rc = poll(fds, n, static_cast<int>(std::min<int64_t>(left, all_written ? 5 : 1000)));
        if (rc < 0 && errno != EINTR) { r.io_error = std::string("poll: ") + std::strerror(errno); break; }
        if (ri >= 0 && rc > 0 && fds[ri].revents) {
            char buf[4096];
            ssize_t got = read(rfd, buf, sizeof buf);
            if (got > 0) {
                if (r.output.size() < 4096) r.output.append(buf, static_cast<size_t>(got));
            } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(rfd);
                rfd = -1;
            }
        }
        if (wi < 0) continue;
        if (all_written) {
            int unread = 0;
            bool known = ioctl(wfd, FIONREAD, &unread) == 0;  // not known: count it as read, as before
            bool reader_gone = rc > 0 && (fds[wi].revents & (POLLERR | POLLHUP));
            if (!known || unread == 0 || reader_gone) {
                r.input_done = !known || unread == 0;
                close(wfd);
                wfd = -1;
            }
        } else if (rc > 0 && fds[wi].revents) {
            ssize_t put = write(wfd, input.data() + written, std::min<size_t>(input.size() - written, 65536));
            if (put > 0) written += static_cast<size_t>(put);
            // EPIPE: the program exited without reading everything; its exit status tells why.
            if (put < 0 && errno != EAGAIN && errno != EINTR) {
                close(wfd);
                wfd = -1;
            } else if (written == input.size()) {
                all_written = true;
            }
        }
    }
    if (wfd >= 0) close(wfd);
    if (rfd >= 0) close(rfd);
    while (true) {
        pid_t w = waitpid(pid, &r.status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR)) break;
        if (!r.timed_out && std::chrono::steady_clock::now() >= deadline) r.timed_out = true;
        if (r.timed_out) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &r.status, 0) < 0 && errno == EINTR) {}
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return r;
}

class SendmailTransport : public MailTransport {
public:
    SendmailTransport(std::vector<std::string> command, int64_t timeout_s, int64_t max_bytes)
        : MailTransport(max_bytes), command_(std::move(command)), timeout_s_(timeout_s) {}
    const char* name() const override { return "sendmail"; }

protected:
    SendResult deliver(const MailMessage& m) override {
        std::vector<std::string> args = command_;
        if (!has(args, "-i") && !has(args, "-oi")) args.insert(args.begin() + 1, "-i");
        bool from_headers = m.recipients_in_headers && has(args, "-t");
        if (!from_headers) args.erase(std::remove(args.begin(), args.end(), "-t"), args.end());
        if (!has(args, "-f")) {
            args.push_back("-f");
            args.push_back(m.from.empty() ? "<>" : m.from);
        }
        if (!from_headers) {
            args.push_back("--");
            for (const auto& to : m.to) args.push_back(to);
        }
        ChildResult c = run_child(args, to_lf(m.data), timeout_s_);
        std::string out = one_line(c.output);
        SendResult r;
        if (!c.started) return {SendStatus::transient, 0, "cannot run " + command_[0] + ": " + c.io_error, true};
        if (c.timed_out && c.input_done) {
            SendResult u{SendStatus::transient, 0, command_[0] + " timed out after " + std::to_string(timeout_s_) +
                                                       "s ([mail] timeout) and was killed, after reading the whole message: it may have queued it"};
            u.outcome_unknown = true;
            return u;
        }
        if (c.timed_out)
            return {SendStatus::transient, 0, command_[0] + " timed out after " + std::to_string(timeout_s_) + "s ([mail] timeout) and was killed", true};
        if (WIFSIGNALED(c.status))
            return {SendStatus::transient, 0, command_[0] + " killed by signal " + std::to_string(WTERMSIG(c.status)), true};
        int code = WEXITSTATUS(c.status);
        if (code == 0) return {SendStatus::ok, 0, ""};
        std::string error = command_[0] + " exited " + std::to_string(code) + (out.empty() ? "" : ": " + out);
        if (code == 126 || code == 127) return {SendStatus::transient, code, error, true};
        if (code == 75 || (code >= 71 && code <= 74)) return {SendStatus::transient, code, error};
        return {SendStatus::permanent, code, error};
    }

private:
    std::vector<std::string> command_;
    int64_t timeout_s_;
};

}  // namespace

std::unique_ptr<MailTransport> make_sendmail_transport(const Config& config, int64_t max_bytes) {
    auto command = split_command(config.str("mail", "sendmail_command"));
    if (command.empty()) throw Error(kExitUsage, "[mail] sendmail_command is empty");
    return std::make_unique<SendmailTransport>(command, std::max<int64_t>(1, config.duration("mail", "timeout")), max_bytes);
}

}  // namespace mj
