// batch_probe DB CUTOFF ROWS BATCHES: where the time of a batched purge goes, for one fixed batch
// size. It repeats what the retention engine does per batch (src/retention/engine.cpp: select the
// oldest finished rows through the time index outside the lock; BEGIN IMMEDIATE; re-check; delete
// the rowid range; COMMIT; PASSIVE checkpoint outside the lock, as purge_connection.cpp does) but
// with a constant batch of ROWS rows, and prints one JSON line with the parts measured apart:
//   txn_ms median/max (lock held), txn_us_per_row, wal_pages_per_row (WAL frames each COMMIT
//   added: what the application's checkpoints and our own have to copy), select_ms and
//   checkpoint_ms per batch, rows_per_s overall.
// Environment: CACHE_KB (cache_size of the connection; SQLite's default is 2000).
// purge.bench.sh runs it for several sizes when BENCH_PROBE=1; without a concurrent writer the WAL
// restarts after every checkpoint, so the WAL size after a COMMIT is that batch's pages.
#include <algorithm>
#include <cinttypes>
#include <cstdlib>
#include <vector>

#include "bench_util.h"

namespace {
int g_wal_pages = 0;
int note_wal(void*, sqlite3*, const char*, int pages) {
    g_wal_pages = pages;
    return SQLITE_OK;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) bench::die("usage: batch_probe DB CUTOFF ROWS BATCHES");
    const std::string cutoff = argv[2];
    const int64_t rows_per_batch = std::stoll(argv[3]);
    const int batches = std::stoi(argv[4]);
    sqlite3* db = bench::open_like_mailjobs(argv[1], 60000);
    bench::exec(db, "PRAGMA secure_delete = FAST");
    if (const char* kb = std::getenv("CACHE_KB")) bench::exec(db, std::string("PRAGMA cache_size = -") + kb);
    sqlite3_wal_hook(db, note_wal, nullptr);  // replaces the automatic checkpoint, as the engine does
    sqlite3_stmt* sel = nullptr;
    const std::string q = "SELECT rowid, created_at FROM delivery_log WHERE created_at < " + cutoff +
                          " AND created_at >= ?1 AND coalesce((status IN ('delivered','permanently_failed')), 0) "
                          "ORDER BY created_at LIMIT " + std::to_string(rows_per_batch);
    if (sqlite3_prepare_v2(db, q.c_str(), -1, &sel, nullptr) != SQLITE_OK) bench::die(sqlite3_errmsg(db));
    int64_t floor = INT64_MIN, rows = 0, pages = 0, t_select = 0, t_txn = 0, t_ckpt = 0;
    std::vector<double> txn_ms;
    for (int b = 0; b < batches; ++b) {
        const int64_t t0 = bench::mono_ns();
        std::vector<int64_t> ids;
        sqlite3_bind_int64(sel, 1, floor);
        while (sqlite3_step(sel) == SQLITE_ROW) {
            ids.push_back(sqlite3_column_int64(sel, 0));
            floor = sqlite3_column_int64(sel, 1);
        }
        sqlite3_reset(sel);
        if (ids.empty()) break;
        std::sort(ids.begin(), ids.end());
        const std::string range = "rowid BETWEEN " + std::to_string(ids.front()) + " AND " + std::to_string(ids.back());
        const int64_t t1 = bench::mono_ns();
        bench::exec(db, "BEGIN IMMEDIATE");
        bench::scalar(db, "SELECT count(*) FROM delivery_log WHERE " + range + " AND coalesce((created_at < " + cutoff + "), 0)");
        bench::exec(db, "DELETE FROM delivery_log WHERE " + range);
        rows += sqlite3_changes(db);
        bench::exec(db, "COMMIT");
        const int64_t t2 = bench::mono_ns();
        pages += g_wal_pages;
        sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        const int64_t t3 = bench::mono_ns();
        t_select += t1 - t0;
        t_txn += t2 - t1;
        t_ckpt += t3 - t2;
        txn_ms.push_back((t2 - t1) / 1e6);
    }
    sqlite3_finalize(sel);
    sqlite3_close(db);
    if (txn_ms.empty()) bench::die("nothing to delete");
    std::sort(txn_ms.begin(), txn_ms.end());
    const double n = static_cast<double>(txn_ms.size());
    std::printf("{\"batch_rows\": %" PRId64 ", \"batches\": %zu, \"txn_ms_median\": %.1f, \"txn_ms_max\": %.1f, "
                "\"txn_us_per_row\": %.1f, \"wal_pages_per_row\": %.2f, \"select_ms\": %.2f, \"checkpoint_ms\": %.1f, "
                "\"rows_per_s\": %.0f}\n",
                rows_per_batch, txn_ms.size(), txn_ms[txn_ms.size() / 2], txn_ms.back(), t_txn / 1e3 / rows,
                static_cast<double>(pages) / rows, t_select / 1e6 / n, t_ckpt / 1e6 / n,
                rows / ((t_select + t_txn + t_ckpt) / 1e9));
    return 0;
}
