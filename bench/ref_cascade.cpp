// ref_cascade DB USER_ID: the deletion benchmark's reference, one statement
//   DELETE FROM users WHERE id = USER_ID
// with foreign_keys = ON, so SQLite's ON DELETE CASCADE / SET NULL actions remove (or unlink) the
// account's rows of every table with a foreign key to users, in one BEGIN IMMEDIATE transaction on
// a connection set up like mailjobs' (bench_util.h). It is the fastest way SQLite can delete the
// account, and holds the write lock for all of it: the writer waits that long. (It does less than
// account-deletion: job_attempts have no foreign key and stay, nor does it write tombstones.)
// Prints one JSON line: users (rows of users deleted), ms (whole program after open), max_txn_ms (lock held).
#include <cinttypes>

#include "bench_util.h"

int main(int argc, char** argv) {
    if (argc != 3) bench::die("usage: ref_cascade DB USER_ID");
    sqlite3* db = bench::open_like_mailjobs(argv[1], 60000);
    bench::exec(db, "PRAGMA secure_delete = FAST");  // as mailjobs' purges do (retention/purge_connection.h)
    const int64_t t0 = bench::mono_ns();
    bench::exec(db, "BEGIN IMMEDIATE");
    const int64_t locked = bench::mono_ns();
    bench::exec(db, std::string("DELETE FROM users WHERE id = ") + argv[2]);
    const int64_t users = sqlite3_changes64(db);
    bench::exec(db, "COMMIT");
    const int64_t t1 = bench::mono_ns();
    sqlite3_close(db);
    std::printf("{\"users\": %" PRId64 ", \"ms\": %.1f, \"max_txn_ms\": %.1f}\n", users, (t1 - t0) / 1e6, (t1 - locked) / 1e6);
    return 0;
}
