// c-ares behind DnsResolver (dns_resolver.h).
#include "delivery/dns_resolver.h"

#include <ares.h>
#include <arpa/nameser.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>

namespace mj {

const char* dns_type_name(DnsType t) {
    switch (t) {
        case DnsType::txt: return "TXT";
        case DnsType::mx: return "MX";
        case DnsType::cname: return "CNAME";
    }
    return "?";
}

const char* dns_status_name(DnsStatus s) {
    switch (s) {
        case DnsStatus::ok: return "ok";
        case DnsStatus::nodata: return "nodata";
        case DnsStatus::nxdomain: return "nxdomain";
        case DnsStatus::servfail: return "servfail";
        case DnsStatus::refused: return "refused";
        case DnsStatus::timeout: return "timeout";
        case DnsStatus::error: return "error";
        case DnsStatus::not_sent: return "not_sent";
    }
    return "?";
}

namespace {

int type_code(DnsType t) {
    switch (t) {
        case DnsType::txt: return ns_t_txt;
        case DnsType::mx: return ns_t_mx;
        case DnsType::cname: return ns_t_cname;
    }
    return ns_t_txt;
}

DnsStatus status_of(int ares_status) {
    switch (ares_status) {
        case ARES_SUCCESS: return DnsStatus::ok;
        case ARES_ENODATA: return DnsStatus::nodata;
        case ARES_ENOTFOUND: return DnsStatus::nxdomain;
        case ARES_ESERVFAIL: return DnsStatus::servfail;
        case ARES_EREFUSED: return DnsStatus::refused;
        case ARES_ETIMEOUT: return DnsStatus::timeout;
        default: return DnsStatus::error;
    }
}

void parse_txt(const unsigned char* buf, int len, DnsAnswer& a) {
    ares_txt_ext* head = nullptr;
    int rc = ares_parse_txt_reply_ext(buf, len, &head);
    if (rc != ARES_SUCCESS) {
        a.status = status_of(rc);
        a.error = ares_strerror(rc);
        return;
    }
    // A record of several strings (split at 255 bytes) arrives as consecutive entries, the first
    // with record_start set: join them without a separator (RFC 7208 3.3).
    for (ares_txt_ext* t = head; t; t = t->next) {
        std::string part(reinterpret_cast<const char*>(t->txt), t->length);
        if (t->record_start || a.txt.empty()) a.txt.push_back(part);
        else a.txt.back() += part;
    }
    ares_free_data(head);
    // c-ares 1.18 answers success with no entries for a reply that holds only other types (a CNAME).
    if (a.txt.empty()) { a.status = DnsStatus::nodata; a.error = "no TXT record"; }
}

void parse_mx(const unsigned char* buf, int len, DnsAnswer& a) {
    ares_mx_reply* head = nullptr;
    int rc = ares_parse_mx_reply(buf, len, &head);
    if (rc != ARES_SUCCESS) {
        a.status = status_of(rc);
        a.error = ares_strerror(rc);
        return;
    }
    for (ares_mx_reply* m = head; m; m = m->next) a.mx.emplace_back(m->priority, m->host ? m->host : "");
    ares_free_data(head);
    if (a.mx.empty()) { a.status = DnsStatus::nodata; a.error = "no MX record"; }
}

// c-ares has no CNAME parser of its own: walk the answer section (RFC 1035 4.1) and expand the
// target of every CNAME record.
void parse_cname(const unsigned char* buf, int len, DnsAnswer& a) {
    auto fail = [&] { a.status = DnsStatus::error; a.error = "bad CNAME reply"; a.cname.clear(); };
    if (len < HFIXEDSZ) return fail();
    int qd = (buf[4] << 8) | buf[5], an = (buf[6] << 8) | buf[7];
    const unsigned char* p = buf + HFIXEDSZ;
    const unsigned char* end = buf + len;
    for (int i = 0; i < qd; ++i) {
        char* name = nullptr;
        long used = 0;
        if (ares_expand_name(p, buf, len, &name, &used) != ARES_SUCCESS) return fail();
        ares_free_string(name);
        p += used + QFIXEDSZ;
        if (p > end) return fail();
    }
    for (int i = 0; i < an; ++i) {
        char* name = nullptr;
        long used = 0;
        if (ares_expand_name(p, buf, len, &name, &used) != ARES_SUCCESS) return fail();
        ares_free_string(name);
        p += used;
        if (end - p < RRFIXEDSZ) return fail();
        int type = (p[0] << 8) | p[1];
        int rdlen = (p[8] << 8) | p[9];
        p += RRFIXEDSZ;
        if (end - p < rdlen) return fail();
        if (type == ns_t_cname) {
            char* target = nullptr;
            long tused = 0;
            if (ares_expand_name(p, buf, len, &target, &tused) != ARES_SUCCESS) return fail();
            a.cname.emplace_back(target);
            ares_free_string(target);
        }
        p += rdlen;
    }
    if (a.cname.empty()) { a.status = DnsStatus::nodata; a.error = "no CNAME record"; }
}

}  // namespace
DnsAnswer parse_dns_reply(DnsType type, const unsigned char* reply, int length);
namespace {

struct Pending {
    DnsResolver* owner;
    std::vector<DnsAnswer>* answers;
    size_t index;
    DnsType type;
    int* in_flight;
    int64_t* done;
};

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    Pending* q = static_cast<Pending*>(arg);
    DnsAnswer& a = (*q->answers)[q->index];
    a.status = status_of(status);
    if (status == ARES_SUCCESS && abuf) {
        a = parse_dns_reply(q->type, abuf, alen);
    } else {
        a.error = ares_strerror(status);
    }
    --*q->in_flight;
    ++*q->done;
    delete q;
}

}  // namespace

DnsAnswer parse_dns_reply(DnsType type, const unsigned char* reply, int length) {
    DnsAnswer a;
    a.status = DnsStatus::ok;
    if (type == DnsType::txt) parse_txt(reply, length, a);
    else if (type == DnsType::mx) parse_mx(reply, length, a);
    else parse_cname(reply, length, a);
    return a;
}

struct DnsResolver::Impl {
    ares_channel channel = nullptr;
    std::map<ares_socket_t, short> sockets;  // open sockets and the poll events c-ares wants
    static void sock_state(void* data, ares_socket_t fd, int readable, int writable) {
        auto* self = static_cast<Impl*>(data);
        if (!readable && !writable) self->sockets.erase(fd);
        else self->sockets[fd] = static_cast<short>((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
    }
};

DnsResolver::DnsResolver(const DnsResolverOptions& o) : impl_(new Impl), max_in_flight_(o.max_in_flight < 1 ? 1 : o.max_in_flight) {
    static std::once_flag once;
    static int lib_rc = ARES_SUCCESS;
    std::call_once(once, [] { lib_rc = ares_library_init(ARES_LIB_INIT_ALL); });
    if (lib_rc != ARES_SUCCESS) { delete impl_; throw std::runtime_error(std::string("c-ares: ") + ares_strerror(lib_rc)); }
    if (o.servers.empty() && access("/etc/resolv.conf", R_OK) != 0) {
        delete impl_;
        throw std::runtime_error("no DNS servers: /etc/resolv.conf cannot be read; set [job.dns-recheck] servers");
    }
    ares_options opts;
    std::memset(&opts, 0, sizeof opts);
    opts.timeout = o.timeout_ms;
    opts.tries = o.tries;
    // NOCHECKRESP: a SERVFAIL or REFUSED reply comes back as such. Without it c-ares 1.18 takes
    // such a reply as "this server is broken", tries the next, and ends with "Could not contact
    // DNS servers", hiding what the server said (both are unknown to the rules all the same).
    opts.flags = ARES_FLAG_NOCHECKRESP;
    opts.sock_state_cb = &Impl::sock_state;
    opts.sock_state_cb_data = impl_;
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
    int rc = ares_init_options(&impl_->channel, &opts, mask);
    if (rc != ARES_SUCCESS) { delete impl_; throw std::runtime_error(std::string("c-ares: ") + ares_strerror(rc)); }
    if (!o.servers.empty()) {
        std::string csv;
        for (const auto& s : o.servers) csv += (csv.empty() ? "" : ",") + s;
        rc = ares_set_servers_ports_csv(impl_->channel, csv.c_str());
        if (rc != ARES_SUCCESS) {
            ares_destroy(impl_->channel);
            delete impl_;
            throw std::runtime_error("DNS servers '" + csv + "': " + ares_strerror(rc) + " (IP or IP:port entries, IPv6 as [addr]:port)");
        }
    }
}

DnsResolver::~DnsResolver() {
    ares_destroy(impl_->channel);  // calls the callbacks of queries still open with ARES_EDESTRUCTION
    delete impl_;
}

std::vector<DnsAnswer> DnsResolver::resolve(const std::vector<DnsQuery>& queries, std::chrono::steady_clock::time_point start_until) {
    std::vector<DnsAnswer> answers(queries.size());
    int in_flight = 0;
    size_t next = 0;
    std::vector<pollfd> fds;
    while (next < queries.size() || in_flight > 0) {
        // Keep up to max_in_flight_ queries outstanding: one finishing makes room for the next.
        if (next < queries.size() && std::chrono::steady_clock::now() >= start_until) {
            for (; next < queries.size(); ++next) {
                answers[next].status = DnsStatus::not_sent;
                answers[next].error = "not sent: the run's time budget is spent";
            }
        }
        while (next < queries.size() && in_flight < max_in_flight_) {
            auto* p = new Pending{this, &answers, next, queries[next].type, &in_flight, &done_};
            ++in_flight;
            if (in_flight > peak_) peak_ = in_flight;
            ares_query(impl_->channel, queries[next].name.c_str(), ns_c_in, type_code(queries[next].type), on_answer, p);
            ++next;
        }
        if (in_flight == 0) continue;
        fds.clear();
        for (const auto& [fd, ev] : impl_->sockets) fds.push_back({fd, ev, 0});
        timeval tv{}, max_tv{1, 0};
        timeval* t = ares_timeout(impl_->channel, &max_tv, &tv);
        int wait_ms = static_cast<int>(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
        int n = poll(fds.data(), fds.size(), wait_ms);
        if (n <= 0) {
            ares_process_fd(impl_->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts and retries
            continue;
        }
        for (const auto& f : fds) {
            if (!f.revents) continue;
            bool r = f.revents & (POLLIN | POLLERR | POLLHUP), w = f.revents & POLLOUT;
            ares_process_fd(impl_->channel, r ? f.fd : ARES_SOCKET_BAD, w ? f.fd : ARES_SOCKET_BAD);
        }
    }
    return answers;
}

}  // namespace mj
