// Small helpers shared by the bench programs (bench/*.cpp). Benchmarks only: never linked into mailjobs.
// They use the SQLite C API directly (the same static libsqlite3 the binary links), so what is
// measured is SQLite plus our SQL, not a wrapper.
#pragma once
#include <sqlite3.h>
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace bench {

[[noreturn]] inline void die(const std::string& msg) {
    std::fprintf(stderr, "bench: error: %s\n", msg.c_str());
    std::exit(2);
}

// CLOCK_MONOTONIC in nanoseconds: comparable across the bench processes on one machine, so the
// driver can tell which of the writer's inserts fell inside a variant's run.
inline int64_t mono_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

inline void exec(sqlite3* db, const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string m = err ? err : "?";
        sqlite3_free(err);
        die(sql.substr(0, 80) + ": " + m);
    }
}

inline int64_t scalar(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) die(sql + ": " + sqlite3_errmsg(db));
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return v;
}

// Opens `path` with the connection settings mailjobs uses (src/core/db.cpp): WAL, synchronous=NORMAL,
// foreign_keys=ON, a busy timeout. Everything else stays at SQLite's defaults (cache_size 2 MB;
// Debian builds SQLite with secure_delete ON: the purge programs switch it to FAST like mailjobs).
inline sqlite3* open_like_mailjobs(const std::string& path, int busy_timeout_ms) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) die("open " + path);
    sqlite3_busy_timeout(db, busy_timeout_ms);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = NORMAL");
    exec(db, "PRAGMA foreign_keys = ON");
    return db;
}

}  // namespace bench
