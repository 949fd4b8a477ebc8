// seed000_purge DB CUTOFF [BATCH] [--deferred]: variant (c), seed 000's DeliveryLogCleanupService
// algorithm against our schema: count the rows older than the cutoff, then repeat
//   SELECT id FROM delivery_log WHERE created_at < cutoff LIMIT 1000
//   DELETE FROM delivery_log WHERE id IN (ids...)
//   COMMIT
// until the select returns nothing. Fixed batch, no ORDER BY, a new id list per batch.
// The seed's session begins a deferred transaction that upgrades to a write at the DELETE; under a
// concurrent writer SQLite then fails with SQLITE_BUSY_SNAPSHOT, which no busy handler retries.
// By default each batch is therefore BEGIN IMMEDIATE (our Db::write rule); --deferred runs the
// seed's literal form and counts the batches that failed that way (retrying them).
// Prints one JSON line: rows, counted, ms, max_txn_ms (lock held), batches, and with --deferred
// busy_failed (batches that failed with SQLITE_BUSY*), busy_snapshot (of those, SQLITE_BUSY_SNAPSHOT).
#include <cinttypes>
#include <cstring>
#include <vector>

#include "bench_util.h"

int main(int argc, char** argv) {
    if (argc < 3) bench::die("usage: seed000_purge DB CUTOFF [BATCH] [--deferred]");
    const std::string cutoff = argv[2];
    const int batch = argc > 3 && std::strcmp(argv[3], "--deferred") ? std::atoi(argv[3]) : 1000;
    bool deferred = false;
    for (int i = 3; i < argc; ++i) deferred |= std::strcmp(argv[i], "--deferred") == 0;
    sqlite3* db = bench::open_like_mailjobs(argv[1], 60000);
    bench::exec(db, "PRAGMA secure_delete = FAST");  // as mailjobs' purges do (retention/purge_connection.h)
    const int64_t t0 = bench::mono_ns();
    const int64_t counted = bench::scalar(db, "SELECT count(*) FROM delivery_log WHERE created_at < " + cutoff);
    sqlite3_stmt* sel = nullptr;
    std::string q = "SELECT id FROM delivery_log WHERE created_at < " + cutoff + " LIMIT " + std::to_string(batch);
    if (sqlite3_prepare_v2(db, q.c_str(), -1, &sel, nullptr) != SQLITE_OK) bench::die(sqlite3_errmsg(db));
    int64_t rows = 0, batches = 0, busy_snapshot = 0, busy_failed = 0, max_txn_ns = 0;
    while (true) {
        const int64_t b0 = bench::mono_ns();
        bench::exec(db, deferred ? "BEGIN" : "BEGIN IMMEDIATE");
        std::vector<int64_t> ids;
        while (sqlite3_step(sel) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(sel, 0));
        sqlite3_reset(sel);
        if (ids.empty()) {
            bench::exec(db, "COMMIT");
            break;
        }
        std::string del = "DELETE FROM delivery_log WHERE id IN (";
        for (size_t i = 0; i < ids.size(); ++i) del += (i ? "," : "") + std::to_string(ids[i]);
        del += ")";
        char* err = nullptr;
        int rc = sqlite3_exec(db, del.c_str(), nullptr, nullptr, &err);
        sqlite3_free(err);
        if (rc != SQLITE_OK) {
            if (!deferred || (sqlite3_extended_errcode(db) & 0xff) != SQLITE_BUSY) bench::die(sqlite3_errmsg(db));
            busy_snapshot += sqlite3_extended_errcode(db) == SQLITE_BUSY_SNAPSHOT;
            ++busy_failed;  // the seed would have raised here; we retry to finish the measurement
            bench::exec(db, "ROLLBACK");
            continue;
        }
        rows += sqlite3_changes64(db);
        bench::exec(db, "COMMIT");
        ++batches;
        int64_t ns = bench::mono_ns() - b0;
        if (ns > max_txn_ns) max_txn_ns = ns;
    }
    sqlite3_finalize(sel);
    const int64_t t1 = bench::mono_ns();
    sqlite3_close(db);
    std::printf("{\"rows\": %" PRId64 ", \"counted\": %" PRId64 ", \"ms\": %.1f, \"max_txn_ms\": %.1f, \"batches\": %" PRId64
                ", \"busy_failed\": %" PRId64 ", \"busy_snapshot\": %" PRId64 "}\n",
                rows, counted, (t1 - t0) / 1e6, max_txn_ns / 1e6, batches, busy_failed, busy_snapshot);
    return 0;
}
