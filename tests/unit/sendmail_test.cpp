// The sendmail transport with real programs: exit status classification, stderr capture, timeout.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "core/job_catalogue.h"
#include "delivery/mail.h"

namespace {

std::unique_ptr<mj::MailTransport> sendmail(const std::string& command, const std::string& timeout = "5s") {
    mj::LoadOptions o;
    o.file = "/nonexistent/jobs.ini.none";
    o.cli_sets = {"mail.sendmail_command=" + command, "mail.timeout=" + timeout};
    o.jobs = mj::job_defaults();
    std::vector<mj::ConfigProblem> problems;
    return mj::MailTransport::from_config(mj::Config::load(o, &problems));
}

// A script in its own temporary folder (the command line has no shell, so no "sh -c").
struct Script {
    std::string dir, path;
    explicit Script(const std::string& body) {
        char tmpl[] = "/tmp/mj-sendmail-test.XXXXXX";
        dir = mkdtemp(tmpl);
        path = dir + "/fake-sendmail";
        std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
        chmod(path.c_str(), 0700);
    }
    ~Script() { std::system(("rm -rf " + dir).c_str()); }
    std::string read(const std::string& name) {
        std::ifstream in(dir + "/" + name);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
};

const mj::MailMessage kMessage{"from@example.com", {"to@example.com"}, "Subject: hi\r\n\r\nline 1\r\n.\r\nline 3\r\n"};

}  // namespace

TEST_CASE("sendmail: arguments and standard input") {
    Script s("cd \"$(dirname \"$0\")\"; printf '%s\\n' \"$@\" > argv; cat > stdin");
    SECTION("a forward: -t dropped, envelope passed, -i added, LF line ends") {
        auto r = sendmail(s.path + " -t")->send(kMessage);
        REQUIRE(r.status == mj::SendStatus::ok);
        CHECK(s.read("argv") == "-i\n-f\nfrom@example.com\n--\nto@example.com\n");
        CHECK(s.read("stdin") == "Subject: hi\n\nline 1\n.\nline 3\n");
    }
    SECTION("recipients in the headers: -t kept, no recipient arguments; null sender is <>") {
        mj::MailMessage m = kMessage;
        m.recipients_in_headers = true;
        REQUIRE(sendmail(s.path + " -t -i")->send(m).status == mj::SendStatus::ok);
        CHECK(s.read("argv") == "-t\n-i\n-f\nfrom@example.com\n");
        m.from = "";
        m.recipients_in_headers = false;
        REQUIRE(sendmail(s.path + " -oi")->send(m).status == mj::SendStatus::ok);
        CHECK(s.read("argv") == "-oi\n-f\n<>\n--\nto@example.com\n");
    }
}

TEST_CASE("sendmail: exit status is classified and stderr kept") {
    SECTION("75 EX_TEMPFAIL: transient") {
        Script s("cat >/dev/null; echo 'spool busy' >&2; exit 75");
        auto r = sendmail(s.path)->send(kMessage);
        CHECK(r.status == mj::SendStatus::transient);
        CHECK_FALSE(r.transport_down);
        CHECK(r.code == 75);
        CHECK(r.error == s.path + " exited 75: spool busy");
    }
    SECTION("67 EX_NOUSER: permanent") {
        Script s("cat >/dev/null; echo 'no such user' >&2; exit 67");
        auto r = sendmail(s.path)->send(kMessage);
        CHECK(r.status == mj::SendStatus::permanent);
        CHECK(r.code == 67);
    }
    SECTION("exits without reading its input: the exit status decides, no SIGPIPE") {
        Script s("exit 0");
        mj::MailMessage big = kMessage;
        big.data.append(4 << 20, 'x');
        CHECK(sendmail(s.path)->send(big).status == mj::SendStatus::ok);
    }
    SECTION("missing program: transient, transport down") {
        auto r = sendmail("/nonexistent/sendmail -t")->send(kMessage);
        CHECK(r.status == mj::SendStatus::transient);
        CHECK(r.transport_down);
        CHECK(r.error.find("cannot run /nonexistent/sendmail") != std::string::npos);
    }
    SECTION("hangs without reading the message: killed after the timeout, transient, transport down") {
        Script s("exec sleep 30");
        auto t0 = std::chrono::steady_clock::now();
        auto r = sendmail(s.path, "1s")->send(kMessage);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
        CHECK(r.status == mj::SendStatus::transient);
        CHECK(r.transport_down);
        CHECK_FALSE(r.outcome_unknown);
        CHECK(r.error.find("timed out after 1s") != std::string::npos);
    }
    SECTION("reads the whole message, then hangs: killed, outcome unknown (it may have queued it), counted") {
        Script s("cat > \"$(dirname \"$0\")/in\"; exec sleep 30");
        auto t0 = std::chrono::steady_clock::now();
        auto r = sendmail(s.path, "1s")->send(kMessage);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
        CHECK(r.status == mj::SendStatus::transient);
        CHECK(r.outcome_unknown);
        CHECK_FALSE(r.transport_down);
        CHECK(r.error.find("may have queued it") != std::string::npos);
        CHECK(s.read("in").find("Subject:") != std::string::npos);
    }
}
