#include "delivery/upload.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

int free_port() {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    close(s);
    return ntohs(a.sin_port);
}

bool can_connect(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(s);
    return ok;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A real WebDAV server: Debian's lighttpd with mod_webdav and basic auth on 127.0.0.1, serving
// ROOT/dav/ (as tests/servers/webdav.sh does for the whole-binary tests).
struct WebDav {
    std::string root;
    std::string url;  // http://127.0.0.1:PORT/dav/
    pid_t pid = -1;
    explicit WebDav(bool read_only = false) {
        char tmpl[] = "/tmp/mj-upload-test.XXXXXX";
        root = mkdtemp(tmpl);
        mkdir((root + "/www").c_str(), 0700);
        mkdir((root + "/www/dav").c_str(), 0700);
        std::ofstream(root + "/users") << "arch:pw-1\n";
        for (int attempt = 0; attempt < 5 && pid < 0; ++attempt) {
            int port = free_port();
            std::ofstream(root + "/lighttpd.conf")
                << "server.document-root = \"" << root << "/www\"\nserver.bind = \"127.0.0.1\"\nserver.port = " << port
                << "\nserver.modules = (\"mod_auth\", \"mod_authn_file\", \"mod_webdav\")\n"
                << "server.errorlog = \"" << root << "/error.log\"\n"
                << "auth.backend = \"plain\"\nauth.backend.plain.userfile = \"" << root << "/users\"\n"
                << "auth.require = (\"/dav/\" => (\"method\" => \"basic\", \"realm\" => \"dav\", \"require\" => \"valid-user\"))\n"
                << "$HTTP[\"url\"] =~ \"^/dav($|/)\" {\n webdav.activate = \"enable\"\n webdav.is-readonly = \""
                << (read_only ? "enable" : "disable") << "\"\n}\n";
            pid_t child = fork();
            if (child == 0) {
                execlp("lighttpd", "lighttpd", "-D", "-f", (root + "/lighttpd.conf").c_str(), static_cast<char*>(nullptr));
                _exit(127);
            }
            for (int i = 0; i < 100; ++i) {
                if (can_connect(port)) {
                    pid = child;
                    url = "http://127.0.0.1:" + std::to_string(port) + "/dav/";
                    break;
                }
                if (waitpid(child, nullptr, WNOHANG) == child) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            if (pid < 0) {
                kill(child, SIGTERM);
                waitpid(child, nullptr, 0);
            }
        }
        REQUIRE(pid > 0);
    }
    ~WebDav() {
        if (pid > 0) {
            kill(pid, SIGTERM);
            waitpid(pid, nullptr, 0);
        }
        std::system(("rm -rf '" + root + "'").c_str());
    }
    mj::UploadTarget target(const std::string& folder) const {
        mj::UploadTarget t;
        t.folder_url = url + folder;
        t.username = "arch";
        t.password = "pw-1";
        t.timeout_ms = 20000;
        return t;
    }
};

}  // namespace

TEST_CASE("propfind_content_length: any prefix, default namespace, whitespace; none when absent or empty", "[upload]") {
    CHECK(mj::propfind_content_length("<D:multistatus xmlns:D=\"DAV:\"><D:response><D:propstat><D:prop>"
                                      "<D:getcontentlength>1234</D:getcontentlength></D:prop></D:propstat></D:response></D:multistatus>") == 1234);
    CHECK(mj::propfind_content_length("<lp1:getcontentlength xmlns:lp1=\"DAV:\"> 77 </lp1:getcontentlength>") == 77);
    CHECK(mj::propfind_content_length("<getcontentlength xmlns=\"DAV:\">0</getcontentlength>") == 0);
    CHECK(mj::propfind_content_length("<D:getcontentlength/>") == -1);
    CHECK(mj::propfind_content_length("<D:prop><D:getlastmodified>x</D:getlastmodified></D:prop>") == -1);
    CHECK(mj::propfind_content_length("<D:xgetcontentlength>5</D:xgetcontentlength>") == -1);
}

TEST_CASE("url_segment and url_without_credentials", "[upload]") {
    CHECK(mj::url_segment("audit-2025-01-31.jsonl.gz") == "audit-2025-01-31.jsonl.gz");
    CHECK(mj::url_segment("a b/c?#%") == "a%20b%2Fc%3F%23%25");
    CHECK(mj::url_without_credentials("https://u:p@host:2078/a/") == "https://host:2078/a/");
    CHECK(mj::url_without_credentials("https://host/a@b/") == "https://host/a@b/");
    CHECK(mj::url_without_credentials("https://host") == "https://host");
}

TEST_CASE("upload_file: PUT into a missing folder (MKCOL, parents too), verified; the server's bytes equal the file's", "[upload]") {
    WebDav dav;
    std::string local = dav.root + "/local.bin";
    std::string data;
    for (int i = 0; i < 200000; ++i) data += static_cast<char>((i * 7919) & 0xff);
    std::ofstream(local, std::ios::binary) << data;

    auto r = mj::upload_file(dav.target("backups/2026/"), local, "day one.bin");
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(r.put_status == 201);
    CHECK(r.bytes == static_cast<int64_t>(data.size()));
    CHECK(r.remote_url == dav.url + "backups/2026/day%20one.bin");
    CHECK(read_file(dav.root + "/www/dav/backups/2026/day one.bin") == data);

    // again, a bigger file over the same name: replaced (204), verified
    data += "more";
    std::ofstream(local, std::ios::binary) << data;
    r = mj::upload_file(dav.target("backups/2026/"), local, "day one.bin");
    INFO(r.error);
    REQUIRE(r.ok);
    CHECK(r.put_status == 204);
    CHECK(read_file(dav.root + "/www/dav/backups/2026/day one.bin") == data);
}

TEST_CASE("upload_file: a wrong password (401), a read-only folder (403), a missing local file: one-line failures", "[upload]") {
    std::string local;
    {
        WebDav dav;
        local = dav.root + "/x";
        std::ofstream(local) << "hello";
        auto t = dav.target("a/");
        t.password = "wrong";
        auto r = mj::upload_file(t, local, "x");
        CHECK_FALSE(r.ok);
        CHECK(r.error.find("HTTP 401") != std::string::npos);
        CHECK(r.error.find('\n') == std::string::npos);
        CHECK(r.error.find("wrong") == std::string::npos);  // never the password

        r = mj::upload_file(dav.target("a/"), dav.root + "/missing", "x");
        CHECK_FALSE(r.ok);
        CHECK(r.error.find("cannot upload") != std::string::npos);
    }
    WebDav ro(true);
    local = ro.root + "/x";
    std::ofstream(local) << "hello";
    auto r = mj::upload_file(ro.target(""), local, "x");
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("PUT " + ro.url + "x: HTTP 403") == 0);
}
