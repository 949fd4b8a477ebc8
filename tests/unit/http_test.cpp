#include "delivery/http.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

TEST_CASE("classify_http_status: 2xx ok; 408, 425, 429, 5xx transient; 3xx and other 4xx permanent") {
    using mj::SendStatus;
    CHECK(mj::classify_http_status(200) == SendStatus::ok);
    CHECK(mj::classify_http_status(204) == SendStatus::ok);
    CHECK(mj::classify_http_status(299) == SendStatus::ok);
    for (long c : {408L, 425L, 429L, 500L, 502L, 503L, 504L, 599L}) {
        INFO(c);
        CHECK(mj::classify_http_status(c) == SendStatus::transient);
    }
    for (long c : {100L, 301L, 302L, 307L, 400L, 401L, 403L, 404L, 410L, 413L, 422L}) {
        INFO(c);
        CHECK(mj::classify_http_status(c) == SendStatus::permanent);
    }
}

TEST_CASE("http_url_problem: only http(s) URLs with a host") {
    CHECK(mj::http_url_problem("http://example.com/hook") == "");
    CHECK(mj::http_url_problem("HTTPS://example.com") == "");
    CHECK(mj::http_url_problem("ftp://example.com/x") == "URL 'ftp://example.com/x' is not http:// or https://");
    CHECK(mj::http_url_problem("example.com/hook") != "");
    CHECK(mj::http_url_problem("javascript:alert(1)") != "");
    CHECK(mj::http_url_problem("http:///path") == "URL 'http:///path' has no host");
    CHECK(mj::http_url_problem("") != "");
}

TEST_CASE("http_send: a bad URL fails permanently without a connection; a refused port is transient") {
    mj::HttpRequest r;
    r.url = "file:///etc/passwd";
    auto res = mj::http_send(r);
    CHECK(res.status == mj::SendStatus::permanent);
    CHECK(res.code == 0);
    CHECK(res.error.find("is not http") != std::string::npos);

    // A port that was free a moment ago: nothing listens, the connection is refused.
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    close(s);
    r.url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/hook";
    r.body = "{}";
    res = mj::http_send(r);
    CHECK(res.status == mj::SendStatus::transient);
    CHECK(res.code == 0);
    CHECK_FALSE(res.error.empty());
}

TEST_CASE("is_non_public_address: loopback, private, link-local, CGNAT, multicast, reserved; public passes") {
    auto v4 = [](const char* ip) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        inet_pton(AF_INET, ip, &a.sin_addr);
        return mj::is_non_public_address(reinterpret_cast<sockaddr*>(&a));
    };
    auto v6 = [](const char* ip) {
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        inet_pton(AF_INET6, ip, &a.sin6_addr);
        return mj::is_non_public_address(reinterpret_cast<sockaddr*>(&a));
    };
    for (const char* ip : {"127.0.0.1", "127.9.9.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                           "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.0.8"}) {
        INFO(ip);
        CHECK(v4(ip));
    }
    for (const char* ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "93.184.216.34", "192.0.2.1"}) {
        INFO(ip);
        CHECK_FALSE(v4(ip));
    }
    for (const char* ip : {"::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"}) {
        INFO(ip);
        CHECK(v6(ip));
    }
    for (const char* ip : {"2606:4700:4700::1111", "2001:db8::1", "::ffff:8.8.8.8"}) {
        INFO(ip);
        CHECK_FALSE(v6(ip));
    }
}
