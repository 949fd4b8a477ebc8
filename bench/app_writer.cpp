// app_writer DB RECORDS NOW [INTERVAL_US]: stands in for the web application while a purge runs.
// Every INTERVAL_US (default 5000) it inserts one delivery_log row (created_at = NOW, so no purge
// selects it) in its own BEGIN IMMEDIATE ... COMMIT, with busy_timeout 60 s and the same connection
// settings as mailjobs, and records when each insert started, got the write lock, and committed.
// A slot missed while an insert waited is skipped (one insert at a time, like one request); the
// driver (measure.cpp) adds the skipped slots back when it computes latencies from intended start.
// Its WAL hook does what SQLite's automatic checkpoint does (a PASSIVE checkpoint in the COMMIT
// that leaves >= 1000 pages in the WAL) and notes it: an application pays for a checkpoint that way
// when a purge leaves the WAL past the mark.
// On SIGTERM/SIGINT it finishes the current insert and writes RECORDS: one line per insert,
//   start_ns locked_ns end_ns ok ckpt   (CLOCK_MONOTONIC; ok = 0 if the insert failed; ckpt = 1 if
//                                        its COMMIT ran a checkpoint)
#include <signal.h>

#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <vector>

#include "bench_util.h"

namespace {
volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct Rec { int64_t start, locked, end; int ok, ckpt; };

int g_checkpointed = 0;
// sqlite3WalDefaultHook with the default wal_autocheckpoint of 1000 pages, plus a note.
int autocheckpoint(void*, sqlite3* db, const char* name, int frames) {
    if (frames >= 1000) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        g_checkpointed = 1;
    }
    return SQLITE_OK;
}

bool step(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) bench::die("usage: app_writer DB RECORDS NOW [INTERVAL_US]");
    const int64_t interval_ns = (argc > 4 ? std::stoll(argv[4]) : 5000) * 1000;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    sqlite3* db = bench::open_like_mailjobs(argv[1], 60000);
    sqlite3_wal_hook(db, autocheckpoint, nullptr);
    std::string payload = "{\"event\":\"message.forwarded\",\"bench\":\"app_writer\",\"pad\":\"" + std::string(420, 'x') + "\"}";
    std::string sql = std::string("INSERT INTO delivery_log(user_id, domain_id, webhook_id, message_id, webhook_url, payload_hash, "
                                  "payload, status, attempts, instance_id, next_retry_at, created_at) VALUES(1, 1, 1, "
                                  "'<app@bench>', 'https://hooks1.example.org/in/1', hex(randomblob(32)), ?1, 'delivered', 1, "
                                  "'app_writer', NULL, ") + argv[3] + ")";
    sqlite3_stmt* ins = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &ins, nullptr) != SQLITE_OK) bench::die(sqlite3_errmsg(db));
    sqlite3_bind_text(ins, 1, payload.c_str(), -1, SQLITE_STATIC);
    std::vector<Rec> recs;
    recs.reserve(1 << 20);
    int64_t next = bench::mono_ns();
    while (!g_stop) {
        Rec r{bench::mono_ns(), 0, 0, 0, 0};
        g_checkpointed = 0;
        if (step(db, "BEGIN IMMEDIATE")) {
            r.locked = bench::mono_ns();
            r.ok = sqlite3_step(ins) == SQLITE_DONE;
            sqlite3_reset(ins);
            r.ok = step(db, r.ok ? "COMMIT" : "ROLLBACK") && r.ok;
        }
        r.end = bench::mono_ns();
        r.ckpt = g_checkpointed;
        if (!r.locked) r.locked = r.end;
        recs.push_back(r);
        next += interval_ns;
        if (next < r.end) next = r.end + interval_ns - (r.end - next) % interval_ns;  // skip missed slots
        timespec ts{static_cast<time_t>(next / 1000000000), static_cast<long>(next % 1000000000)};
        while (!g_stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {}
    }
    sqlite3_finalize(ins);
    sqlite3_close(db);
    FILE* f = std::fopen(argv[2], "w");
    if (!f) bench::die(std::string("cannot write ") + argv[2]);
    for (const auto& r : recs) std::fprintf(f, "%" PRId64 " %" PRId64 " %" PRId64 " %d %d\n", r.start, r.locked, r.end, r.ok, r.ckpt);
    std::fclose(f);
    return 0;
}
