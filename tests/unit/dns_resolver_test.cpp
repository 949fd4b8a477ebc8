// The c-ares resolver (delivery/dns_resolver.h): replies built by hand for the parser (TXT strings
// split at 255 bytes join into one record; several records stay apart; CNAME targets), and the
// whole resolver against the bad test server (tests/servers/dns_server.py) on 127.0.0.1: SERVFAIL,
// REFUSED and a server that drops every query each come back as their own status, with many
// queries in flight at once.
#include "delivery/dns_resolver.h"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

using namespace mj;

namespace {

using Bytes = std::vector<unsigned char>;

void put16(Bytes& b, int v) { b.push_back(static_cast<unsigned char>(v >> 8)); b.push_back(static_cast<unsigned char>(v)); }
void put_name(Bytes& b, const std::string& name) {
    size_t start = 0;
    while (start < name.size()) {
        size_t dot = name.find('.', start);
        if (dot == std::string::npos) dot = name.size();
        b.push_back(static_cast<unsigned char>(dot - start));
        b.insert(b.end(), name.begin() + start, name.begin() + dot);
        start = dot + 1;
    }
    b.push_back(0);
}

// A NOERROR reply to `qname`/`qtype` whose answers are (type, rdata) at qname.
Bytes reply(const std::string& qname, int qtype, const std::vector<std::pair<int, Bytes>>& answers) {
    Bytes b;
    put16(b, 0x1234);
    put16(b, 0x8180);
    put16(b, 1);
    put16(b, static_cast<int>(answers.size()));
    put16(b, 0);
    put16(b, 0);
    put_name(b, qname);
    put16(b, qtype);
    put16(b, 1);
    for (const auto& [type, rdata] : answers) {
        put16(b, 0xC00C);  // pointer to the question's name
        put16(b, type);
        put16(b, 1);
        put16(b, 0);
        put16(b, 60);
        put16(b, static_cast<int>(rdata.size()));
        b.insert(b.end(), rdata.begin(), rdata.end());
    }
    return b;
}

Bytes txt_rdata(const std::vector<std::string>& strings) {
    Bytes r;
    for (const auto& s : strings) {
        r.push_back(static_cast<unsigned char>(s.size()));
        r.insert(r.end(), s.begin(), s.end());
    }
    return r;
}

// The unit tests run from the source folder (make test, make out/unit_tests && out/unit_tests).
const char* const kServer = "tests/servers/dns_server.py";

struct BadServer {
    pid_t pid = -1;
    int port = 0;
    std::string dir;
    explicit BadServer(const char* mode) {
        char tmpl[] = "/tmp/mj-dns-resolver-test.XXXXXX";
        dir = mkdtemp(tmpl);
        std::string port_file = dir + "/port";
        pid = fork();
        if (pid == 0) {
            execlp("python3", "python3", kServer, "--port-file", port_file.c_str(), "--mode", mode,
                   static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int i = 0; i < 100 && !port; ++i) {
            std::ifstream f(port_file);
            f >> port;
            if (!port) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    ~BadServer() {
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
        std::system(("rm -rf " + dir).c_str());
    }
};

}  // namespace

TEST_CASE("dns resolver: TXT strings of one record are joined, records stay apart", "[dns_resolver]") {
    std::string long1(255, 'a'), long2(100, 'b');
    Bytes r = reply("example.test", 16, {{16, txt_rdata({long1, long2})}, {16, txt_rdata({"v=spf1 -all"})}});
    DnsAnswer a = parse_dns_reply(DnsType::txt, r.data(), static_cast<int>(r.size()));
    REQUIRE(a.status == DnsStatus::ok);
    REQUIRE(a.txt.size() == 2);
    CHECK(a.txt[0] == long1 + long2);
    CHECK(a.txt[1] == "v=spf1 -all");
}

TEST_CASE("dns resolver: a reply without records of the type is nodata; a CNAME target is read", "[dns_resolver]") {
    Bytes target;
    put_name(target, "dkim.mail.test");
    Bytes r = reply("sel._domainkey.example.test", 5, {{5, target}});
    DnsAnswer c = parse_dns_reply(DnsType::cname, r.data(), static_cast<int>(r.size()));
    REQUIRE(c.status == DnsStatus::ok);
    REQUIRE(c.cname.size() == 1);
    CHECK(c.cname[0] == "dkim.mail.test");
    DnsAnswer t = parse_dns_reply(DnsType::txt, r.data(), static_cast<int>(r.size()));
    CHECK(t.status == DnsStatus::nodata);
    Bytes cut(r.begin(), r.begin() + 20);
    CHECK(parse_dns_reply(DnsType::cname, cut.data(), static_cast<int>(cut.size())).status == DnsStatus::error);
}

TEST_CASE("dns resolver: SERVFAIL, REFUSED and dropped queries come back as their own status", "[dns_resolver]") {
    for (const char* mode : {"servfail", "refused", "drop"}) {
        CAPTURE(mode);
        REQUIRE(access(kServer, R_OK) == 0);  // run from the source folder
        BadServer server(mode);
        REQUIRE(server.port > 0);
        DnsResolverOptions o;
        o.servers = {"127.0.0.1:" + std::to_string(server.port)};
        o.timeout_ms = 200;
        o.tries = 1;
        o.max_in_flight = 8;
        DnsResolver resolver(o);
        std::vector<DnsQuery> q;
        for (int i = 0; i < 20; ++i) q.push_back({"d" + std::to_string(i) + ".example.test", i % 2 ? DnsType::mx : DnsType::txt});
        auto t0 = std::chrono::steady_clock::now();
        auto answers = resolver.resolve(q);
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        REQUIRE(answers.size() == 20);
        DnsStatus want = std::string(mode) == "servfail" ? DnsStatus::servfail : std::string(mode) == "refused" ? DnsStatus::refused : DnsStatus::timeout;
        for (const auto& a : answers) CHECK(dns_status_name(a.status) == std::string(dns_status_name(want)));
        CHECK(resolver.queries_done() == 20);
        CHECK(resolver.peak_in_flight() == 8);
        // 20 dropped queries, 8 at a time, 200 ms each: about 3 rounds, not 20 x 200 ms one after another.
        if (want == DnsStatus::timeout) CHECK(secs < 2.5);
    }
}

TEST_CASE("dns resolver: a bad server list is one line naming it", "[dns_resolver]") {
    DnsResolverOptions o;
    o.servers = {"not an address"};
    try {
        DnsResolver r(o);
        FAIL("no error");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("not an address") != std::string::npos);
    }
}
