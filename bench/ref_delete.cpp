// ref_delete DB CUTOFF: the benchmark's reference (a), one statement
//   DELETE FROM delivery_log WHERE created_at < CUTOFF
// in one BEGIN IMMEDIATE transaction on a connection set up like mailjobs' (bench_util.h).
// It is the fastest way SQLite can remove the rows, and holds the write lock for all of it.
// Prints one JSON line: rows, ms (whole program after open), max_txn_ms (lock held).
#include <cinttypes>

#include "bench_util.h"

int main(int argc, char** argv) {
    if (argc != 3) bench::die("usage: ref_delete DB CUTOFF");
    sqlite3* db = bench::open_like_mailjobs(argv[1], 60000);
    bench::exec(db, "PRAGMA secure_delete = FAST");  // as mailjobs' purges do (retention/purge_connection.h)
    const int64_t t0 = bench::mono_ns();
    bench::exec(db, "BEGIN IMMEDIATE");
    const int64_t locked = bench::mono_ns();
    bench::exec(db, std::string("DELETE FROM delivery_log WHERE created_at < ") + argv[2]);
    const int64_t rows = sqlite3_changes64(db);
    bench::exec(db, "COMMIT");
    const int64_t t1 = bench::mono_ns();
    sqlite3_close(db);
    std::printf("{\"rows\": %" PRId64 ", \"ms\": %.1f, \"max_txn_ms\": %.1f, \"batches\": 1}\n", rows, (t1 - t0) / 1e6,
                (t1 - locked) / 1e6);
    return 0;
}
