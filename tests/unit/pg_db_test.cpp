// The PostgreSQL backend's parts that need no server (core/pg_db.h, core/pg_open.h): SQLite's
// parameters rewritten for PostgreSQL, and the connection parameters that keep libpq away from
// glibc's NSS. The backend against a real server: tests/cli/postgresql-*.sh.
#include "core/pg_db.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "core/error.h"
#include "core/pg_open.h"

namespace {

std::string rewritten(const std::string& sql, int* params = nullptr) {
    int n = -1;
    std::string out = mj::pg_placeholders(sql, &n);
    if (params) *params = n;
    return out;
}

int usage_error(const std::string& url, std::string* message) {
    try {
        mj::pg_connect_params(url);
    } catch (const mj::Error& e) {
        *message = e.what();
        return e.code;
    }
    return 0;
}

struct Env {
    std::string name, old;
    bool had;
    Env(const char* n, const char* value) : name(n), had(std::getenv(n) != nullptr) {
        if (had) old = std::getenv(n);
        if (value) setenv(n, value, 1);
        else unsetenv(n);
    }
    ~Env() {
        if (had) setenv(name.c_str(), old.c_str(), 1);
        else unsetenv(name.c_str());
    }
};

}  // namespace

TEST_CASE("pg_placeholders: ?N and ? become $N, outside quotes and comments", "[pg]") {
    int n = 0;
    CHECK(rewritten("SELECT a FROM t WHERE b = ?1 AND c < ?2 OR d = ?1", &n) == "SELECT a FROM t WHERE b = $1 AND c < $2 OR d = $1");
    CHECK(n == 2);
    CHECK(rewritten("INSERT INTO t VALUES(?, ?, ?)", &n) == "INSERT INTO t VALUES($1, $2, $3)");
    CHECK(n == 3);
    // a bare ? after ?N is the next one, as in SQLite
    CHECK(rewritten("SELECT ?2, ?", &n) == "SELECT $2, $3");
    CHECK(n == 3);
    // literals, quoted identifiers and comments keep their question marks
    CHECK(rewritten("SELECT '?1', 'it''s ?', \"odd?name\" FROM t WHERE x = ? -- why?\nAND y = ?", &n) ==
          "SELECT '?1', 'it''s ?', \"odd?name\" FROM t WHERE x = $1 -- why?\nAND y = $2");
    CHECK(n == 2);
    CHECK(rewritten("SELECT 1", &n) == "SELECT 1");
    CHECK(n == 0);
    CHECK(rewritten("SELECT ?12", &n) == "SELECT $12");
    CHECK(n == 12);
}

TEST_CASE("pg_connect_params: every value libpq would look up through NSS is given", "[pg]") {
    Env home("HOME", "/home/op");
    Env passfile("PGPASSFILE", nullptr);
    auto p = mj::pg_connect_params("postgresql://mail@db.example.org:6543/alias?sslmode=verify-full");
    CHECK(p["user"] == "mail");
    CHECK(p["host"] == "db.example.org");
    CHECK(p["port"] == "6543");
    CHECK(p["dbname"] == "alias");
    CHECK(p["sslmode"] == "verify-full");
    CHECK(p["passfile"] == "/home/op/.pgpass");
    CHECK(p["sslrootcert"] == "/home/op/.postgresql/root.crt");
    CHECK(p["sslcert"] == "/home/op/.postgresql/postgresql.crt");
    CHECK(p["sslkey"] == "/home/op/.postgresql/postgresql.key");
    CHECK(p["sslcrl"] == "/home/op/.postgresql/root.crl");
    CHECK(p["application_name"] == "mailjobs");
    CHECK(p.count("hostaddr") == 0);  // resolved at connect time (c-ares)
    {
        Env env("PGPASSFILE", "/etc/mailjobs/pgpass");
        CHECK(mj::pg_connect_params("postgresql://mail@10.0.0.5/alias")["passfile"] == "/etc/mailjobs/pgpass");
        // the URL's own wins, and the database defaults to the user's name as in libpq
        auto q = mj::pg_connect_params("postgresql://mail@10.0.0.5?passfile=/srv/pass");
        CHECK(q["passfile"] == "/srv/pass");
        CHECK(q["dbname"] == "mail");
    }
}

TEST_CASE("pg_connect_params: a URL mailjobs cannot use is exit 2 with the reason", "[pg]") {
    std::string m;
    CHECK(usage_error("postgresql://mail:hunter2@db/alias", &m) == mj::kExitUsage);
    CHECK(m.find("password") != std::string::npos);
    CHECK(m.find("hunter2") == std::string::npos);
    CHECK(usage_error("postgresql://db.example.org/alias", &m) == mj::kExitUsage);
    CHECK(m.find("names no user") != std::string::npos);
    CHECK(usage_error("postgresql://mail@a,b/alias", &m) == mj::kExitUsage);
    CHECK(m.find("several hosts") != std::string::npos);
    CHECK(usage_error("postgresql://mail@db/alias?nosuchoption=1", &m) == mj::kExitUsage);
    CHECK(m.find("not a PostgreSQL URL") != std::string::npos);
    CHECK(mj::pg_url_for_humans("postgresql://mail:secret@db/alias") == "postgresql://mail@db/alias");
    CHECK(mj::pg_url_for_humans("postgresql://mail@db:5432/alias") == "postgresql://mail@db:5432/alias");
}
