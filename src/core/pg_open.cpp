#include "core/pg_open.h"

#include <arpa/inet.h>
#include <ares.h>
#include <libpq-fe.h>
#include <sys/select.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "core/error.h"
#include "core/pg_db.h"

namespace mj {
namespace {

[[noreturn]] void usage(const std::string& message) { throw Error(kExitUsage, "general.database: " + message); }

bool is_numeric_address(const std::string& host) {
    unsigned char buf[16];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string home_file(const char* relative) {
    const char* home = std::getenv("HOME");
    if (!home || !*home) return "";
    return std::string(home) + "/" + relative;
}

struct Lookup {
    bool done = false;
    int status = ARES_ENOTFOUND;
    std::string address;
};

void looked_up(void* arg, int status, int, struct ares_addrinfo* result) {
    auto* l = static_cast<Lookup*>(arg);
    l->done = true;
    l->status = status;
    if (status == ARES_SUCCESS && result) {
        for (ares_addrinfo_node* n = result->nodes; n && l->address.empty(); n = n->ai_next) {
            char text[INET6_ADDRSTRLEN] = {};
            if (n->ai_family == AF_INET)
                inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(n->ai_addr)->sin_addr, text, sizeof text);
            else if (n->ai_family == AF_INET6)
                inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(n->ai_addr)->sin6_addr, text, sizeof text);
            l->address = text;
        }
    }
    if (result) ares_freeaddrinfo(result);
}

// The first address of `host` through c-ares (its own /etc/hosts and resolv.conf reading), within
// timeout_ms; throws Error(kExitDatabase) when there is none.
std::string resolve(const std::string& host, int timeout_ms) {
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) throw Error(kExitDatabase, "c-ares: cannot initialise");
    ares_channel channel = nullptr;
    ares_options options{};
    options.timeout = timeout_ms;
    options.tries = 2;
    if (ares_init_options(&channel, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) != ARES_SUCCESS)
        throw Error(kExitDatabase, "c-ares: cannot read the resolver configuration");
    Lookup lookup;
    ares_addrinfo_hints hints{};
    hints.ai_family = AF_UNSPEC;
    ares_getaddrinfo(channel, host.c_str(), nullptr, &hints, &looked_up, &lookup);
    while (!lookup.done) {
        fd_set read_fds, write_fds;
        FD_ZERO(&read_fds);
        FD_ZERO(&write_fds);
        const int nfds = ares_fds(channel, &read_fds, &write_fds);
        if (nfds == 0) break;
        timeval tv{}, *tvp = ares_timeout(channel, nullptr, &tv);
        select(nfds, &read_fds, &write_fds, nullptr, tvp);
        ares_process(channel, &read_fds, &write_fds);
    }
    ares_destroy(channel);
    if (!lookup.done || lookup.address.empty())
        throw Error(kExitDatabase, "cannot resolve PostgreSQL host '" + host + "': " +
                                       (lookup.done ? ares_strerror(lookup.status) : "no answer"));
    return lookup.address;
}

// libpq's message on one line ("connection to server at ... failed: FATAL: ...").
std::string one_line(const char* text) {
    std::string s = text ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    for (char& c : s)
        if (c == '\n') c = ' ';
    return s;
}

}  // namespace

std::map<std::string, std::string> pg_connect_params(const std::string& url) {
    char* err = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &err);
    if (!parsed) {
        std::string why = one_line(err);
        PQfreemem(err);
        usage("not a PostgreSQL URL (" + why + "); write postgresql://USER@HOST:PORT/DBNAME");
    }
    std::map<std::string, std::string> p;
    for (PQconninfoOption* o = parsed; o->keyword; ++o)
        if (o->val && *o->val) p[o->keyword] = o->val;
    PQconninfoFree(parsed);
    if (p.count("password"))
        usage("the URL holds a password, which `mailjobs config` and `ps` would show; put it in a passfile "
              "(postgresql://USER@HOST/DB?passfile=/path, or PGPASSFILE, or ~/.pgpass, mode 0600)");
    if (!p.count("user")) usage("the URL names no user; write postgresql://USER@HOST:PORT/DBNAME");
    const std::string host = p.count("host") ? p["host"] : "";
    if (host.find(',') != std::string::npos) usage("several hosts in one URL are not supported; name one");
    if (host.empty()) usage("the URL names no host; write postgresql://USER@HOST:PORT/DBNAME");
    if (!p.count("dbname")) p["dbname"] = p["user"];
    if (!p.count("passfile")) {
        const char* env = std::getenv("PGPASSFILE");
        p["passfile"] = env && *env ? env : home_file(".pgpass");
    }
    if (!p.count("sslrootcert")) p["sslrootcert"] = home_file(".postgresql/root.crt");
    if (!p.count("sslcrl")) p["sslcrl"] = home_file(".postgresql/root.crl");
    if (!p.count("sslcert")) p["sslcert"] = home_file(".postgresql/postgresql.crt");
    if (!p.count("sslkey")) p["sslkey"] = home_file(".postgresql/postgresql.key");
    if (!p.count("connect_timeout")) p["connect_timeout"] = "10";
    if (!p.count("application_name")) p["application_name"] = "mailjobs";
    for (auto it = p.begin(); it != p.end();) it = it->second.empty() ? p.erase(it) : std::next(it);
    return p;
}

std::string pg_url_for_humans(const std::string& url) {
    // user:password@ -> user@ (a password is refused anyway; never repeat one in a message)
    const auto scheme = url.find("://");
    const auto at = url.find('@');
    if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
    const auto colon = url.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon) + url.substr(at);
}

std::unique_ptr<Db> open_postgresql(const std::string& url, int64_t busy_timeout_ms) {
    std::map<std::string, std::string> p = pg_connect_params(url);
    const std::string& host = p["host"];
    if (host[0] != '/' && !p.count("hostaddr"))
        p["hostaddr"] = is_numeric_address(host) ? host : resolve(host, 3000);
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : p) {
        keys.push_back(k.c_str());
        values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 0);
    if (!conn) throw Error(kExitDatabase, "cannot connect to PostgreSQL: out of memory");
    if (PQstatus(conn) != CONNECTION_OK) {
        const std::string why = one_line(PQerrorMessage(conn));
        PQfinish(conn);
        throw Error(kExitDatabase, "cannot connect to PostgreSQL " + pg_url_for_humans(url) + ": " + why);
    }
    try {
        return std::make_unique<PgDb>(url, conn, busy_timeout_ms);
    } catch (const DbError& e) {
        throw Error(kExitDatabase, "PostgreSQL " + pg_url_for_humans(url) + ": " + e.what());
    }
}

}  // namespace mj
