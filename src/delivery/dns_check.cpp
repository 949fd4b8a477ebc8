#include "delivery/dns_check.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <sys/select.h>

#include <string>
#include <vector>

namespace mj {
namespace {

using S = CheckResult::Status;

// Waits for the channel's queries, at most until c-ares' own timeouts end them.
void wait_for(ares_channel channel) {
    for (int rounds = 0; rounds < 100; ++rounds) {
        fd_set r, w;
        FD_ZERO(&r);
        FD_ZERO(&w);
        int n = ares_fds(channel, &r, &w);
        if (n == 0) return;
        struct timeval tv {}, *tvp = ares_timeout(channel, nullptr, &tv);
        select(n, &r, &w, nullptr, tvp);
        ares_process(channel, &r, &w);
    }
}

struct Reply { bool done = false; int status = ARES_ETIMEOUT; };

void on_reply(void* arg, int status, int, unsigned char*, int) {
    auto* r = static_cast<Reply*>(arg);
    r->done = true;
    r->status = status;
}

ares_channel make_channel() {
    ares_options opts {};
    opts.timeout = 2000;  // ms, with ARES_OPT_TIMEOUTMS
    opts.tries = 1;
    ares_channel ch = nullptr;
    if (ares_init_options(&ch, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) != ARES_SUCCESS) return nullptr;
    return ch;
}

}  // namespace

CheckResult check_dns_servers(const Config&) {
    static const bool inited = ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS;
    if (!inited) return {"dns.servers", S::fail, "c-ares could not start", ""};
    ares_channel ch = make_channel();
    if (!ch) return {"dns.servers", S::fail, "cannot read the resolver configuration", "check /etc/resolv.conf"};
    ares_addr_port_node* servers = nullptr;
    ares_get_servers_ports(ch, &servers);
    ares_destroy(ch);
    std::vector<std::string> ok, bad;
    int count = 0;
    for (ares_addr_port_node* s = servers; s; s = s->next) {
        char ip[INET6_ADDRSTRLEN] = {};
        inet_ntop(s->family, s->family == AF_INET ? static_cast<const void*>(&s->addr.addr4) : &s->addr.addr6, ip, sizeof ip);
        ++count;
        ares_channel one = make_channel();
        if (!one) { bad.push_back(std::string(ip) + " (no channel)"); continue; }
        ares_addr_port_node single = *s;
        single.next = nullptr;
        ares_set_servers_ports(one, &single);
        Reply reply;
        ares_query(one, ".", ns_c_in, ns_t_ns, on_reply, &reply);
        wait_for(one);
        ares_destroy(one);
        const bool answered = reply.done && (reply.status == ARES_SUCCESS || reply.status == ARES_ENODATA || reply.status == ARES_ENOTFOUND);
        if (answered) ok.push_back(ip);
        else bad.push_back(std::string(ip) + " (" + ares_strerror(reply.status) + ")");
    }
    ares_free_data(servers);
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
        return s;
    };
    if (count == 0 || ok.empty())
        return {"dns.servers", S::fail, count == 0 ? "no DNS server configured" : "no DNS server answers: " + join(bad),
                "list working nameservers in /etc/resolv.conf (ask the host)"};
    if (!bad.empty())
        return {"dns.servers", S::warn, "answering: " + join(ok) + "; not answering: " + join(bad),
                "remove or fix the servers that do not answer in /etc/resolv.conf"};
    return {"dns.servers", S::ok, "answering: " + join(ok), ""};
}

}  // namespace mj
