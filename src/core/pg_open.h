// How the layer connects to PostgreSQL (core/pg_open.cpp) for a `[general] database` that is a
// postgresql:// URL (a libpq URI). Db::open and Db::open_plain call it.
//
// A static binary must not let libpq reach glibc's NSS (getpwuid for the user name and the home
// folder, getaddrinfo for a host name): on the host those load shared modules of another glibc, or
// none in an empty chroot. So every value libpq would look up is given explicitly:
//   - hostaddr: the URL's host resolved here with c-ares (/etc/hosts, then DNS), the host name
//     kept as `host` for TLS verification; a numeric host or a Unix socket folder is used as it is;
//   - user: the URL must name one (postgresql://USER@host/db), else exit 2;
//   - passfile: the URL's passfile parameter, else $PGPASSFILE, else $HOME/.pgpass;
//   - sslrootcert, sslcert, sslkey, sslcrl: the URL's, else the files libpq would pick, found from
//     $HOME (~/.postgresql/...) instead of the password database.
// A password written in the URL is refused (exit 2): `mailjobs config` and `ps` would show it.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/db.h"

namespace mj {

// The connection parameters mailjobs gives libpq for `url`, without resolving the host (hostaddr
// is left out): keyword -> value. Throws Error(kExitUsage) for a URL libpq cannot parse, a missing
// user, a password in the URL, or several hosts. Exposed for the unit test.
std::map<std::string, std::string> pg_connect_params(const std::string& url);

// The URL as written, for messages: without any password.
std::string pg_url_for_humans(const std::string& url);

// Connects (PQconnectdbParams with pg_connect_params plus hostaddr); throws Error(kExitDatabase)
// with libpq's reason when the server cannot be reached or refuses, Error(kExitUsage) for a bad URL.
std::unique_ptr<Db> open_postgresql(const std::string& url, int64_t busy_timeout_ms);

}  // namespace mj
