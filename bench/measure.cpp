// measure [options] -- CMD ARGS...: runs CMD (REPEAT times, one after the other) and prints one
// JSON line with its wall time, exit codes and peak RSS (getrusage of the child via wait4, so the
// figure is the child's own VmHWM, not this driver's). With --writer-db it also starts app_writer
// against that database first, and reports the writer's insert latencies during CMD's run(s).
//   --repeat N            run CMD N times (default 1); wall_ms lists each, median/max summarise
//   --child-out FILE      CMD's stdout goes there (default /dev/null); its stderr is inherited
//   --writer-bin PATH     app_writer program
//   --writer-db DB --writer-now T [--interval-us 5000]
//   --watch-file FILE     report the largest size FILE reached while CMD ran (peak_bytes)
// Writer figures count the inserts that overlap CMD's run: count, failed, p50/p99/max latency
// (BEGIN IMMEDIATE to COMMIT), lock_wait p99/max (until BEGIN IMMEDIATE returned), and p99 from
// intended start: the slots the writer skipped while one insert waited are added back as requests
// that waited too (coordinated omission), which is what a busy application would see; and how
// many of its COMMITs ran a WAL checkpoint (the application paying for our WAL), and the longest.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "bench_util.h"

namespace {

struct Child { int exit_code; int64_t wall_ns; long maxrss_kb; };

pid_t spawn(const std::vector<std::string>& argv, const std::string& out_file) {
    pid_t pid = fork();
    if (pid < 0) bench::die("fork failed");
    if (pid == 0) {
        int fd = open(out_file.empty() ? "/dev/null" : out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) dup2(fd, 1);
        std::vector<char*> a;
        for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
        a.push_back(nullptr);
        execv(a[0], a.data());
        std::fprintf(stderr, "bench: error: cannot run %s: %s\n", a[0], std::strerror(errno));
        _exit(127);
    }
    return pid;
}

// Runs argv to its end. With `watch` set, polls every 10 ms (so wall time is +-10 ms) and keeps
// the largest size that file had in *peak_bytes (the WAL: how far it grows during a purge).
Child run_child(const std::vector<std::string>& argv, const std::string& out_file, const std::string& watch,
                int64_t* peak_bytes) {
    int64_t t0 = bench::mono_ns();
    pid_t pid = spawn(argv, out_file);
    int status = 0;
    rusage ru{};
    if (watch.empty()) {
        wait4(pid, &status, 0, &ru);
    } else {
        while (wait4(pid, &status, WNOHANG, &ru) == 0) {
            struct stat st {};
            if (stat(watch.c_str(), &st) == 0) *peak_bytes = std::max<int64_t>(*peak_bytes, st.st_size);
            usleep(10 * 1000);
        }
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return {code, bench::mono_ns() - t0, ru.ru_maxrss};
}

double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t rank = static_cast<size_t>(std::ceil(p * v.size()));
    return v[std::max<size_t>(rank, 1) - 1];
}

std::string writer_json(const std::string& records, int64_t from, int64_t to, int64_t interval_ns) {
    std::ifstream in(records);
    std::vector<double> lat, wait, corrected;
    int64_t start, locked, end, failed = 0, checkpoints = 0;
    double ckpt_max_ms = 0;
    int ok, ckpt;
    while (in >> start >> locked >> end >> ok >> ckpt) {
        if (end < from || start > to) continue;
        if (!ok) ++failed;
        if (ckpt) {
            ++checkpoints;
            ckpt_max_ms = std::max(ckpt_max_ms, (end - locked) / 1e6);
        }
        double ms = (end - start) / 1e6;
        lat.push_back(ms);
        wait.push_back((locked - start) / 1e6);
        corrected.push_back(ms);
        for (int64_t k = 1; k * interval_ns < end - start; ++k) corrected.push_back((end - start - k * interval_ns) / 1e6);
    }
    char buf[640];
    std::snprintf(buf, sizeof buf,
                  "{\"count\": %zu, \"failed\": %" PRId64 ", \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f, "
                  "\"lock_wait_p99_ms\": %.2f, \"lock_wait_max_ms\": %.2f, \"intended_count\": %zu, \"intended_p99_ms\": %.2f, "
                  "\"checkpoints\": %" PRId64 ", \"checkpoint_max_ms\": %.2f}",
                  lat.size(), failed, pct(lat, 0.5), pct(lat, 0.99), lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end()),
                  pct(wait, 0.99), wait.empty() ? 0 : *std::max_element(wait.begin(), wait.end()), corrected.size(),
                  pct(corrected, 0.99), checkpoints, ckpt_max_ms);
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    int repeat = 1;
    std::string child_out, writer_bin, writer_db, writer_now, watch;
    int64_t interval_us = 5000;
    std::vector<std::string> cmd;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&]() -> std::string { if (i + 1 >= argc) bench::die(a + " needs a value"); return argv[++i]; };
        if (a == "--") { cmd.assign(argv + i + 1, argv + argc); break; }
        else if (a == "--repeat") repeat = std::stoi(val());
        else if (a == "--child-out") child_out = val();
        else if (a == "--writer-bin") writer_bin = val();
        else if (a == "--writer-db") writer_db = val();
        else if (a == "--writer-now") writer_now = val();
        else if (a == "--interval-us") interval_us = std::stoll(val());
        else if (a == "--watch-file") watch = val();
        else bench::die("measure: unknown option " + a);
    }
    if (cmd.empty()) bench::die("usage: measure [options] -- CMD ARGS...");

    pid_t writer = 0;
    std::string records;
    if (!writer_db.empty()) {
        records = writer_db + ".writer.txt";
        writer = spawn({writer_bin, writer_db, records, writer_now, std::to_string(interval_us)}, "");
        usleep(300 * 1000);  // let it open the database and settle into its rhythm
    }
    std::vector<Child> runs;
    const int64_t from = bench::mono_ns();
    int64_t peak_bytes = 0;
    for (int i = 0; i < repeat; ++i) runs.push_back(run_child(cmd, child_out, watch, &peak_bytes));
    const int64_t to = bench::mono_ns();
    if (writer) {
        usleep(100 * 1000);
        kill(writer, SIGTERM);
        int st = 0;
        waitpid(writer, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) bench::die("app_writer failed");
    }

    std::vector<double> wall;
    std::string codes, walls;
    long rss = 0;
    for (const auto& r : runs) {
        wall.push_back(r.wall_ns / 1e6);
        codes += (codes.empty() ? "" : ", ") + std::to_string(r.exit_code);
        char b[32];
        std::snprintf(b, sizeof b, "%s%.2f", walls.empty() ? "" : ", ", r.wall_ns / 1e6);
        walls += b;
        rss = std::max(rss, r.maxrss_kb);
    }
    std::printf("{\"runs\": %d, \"wall_ms\": [%s], \"median_ms\": %.2f, \"max_ms\": %.2f, \"exit_codes\": [%s], \"maxrss_kb\": %ld",
                repeat, walls.c_str(), pct(wall, 0.5), *std::max_element(wall.begin(), wall.end()), codes.c_str(), rss);
    if (!watch.empty()) std::printf(", \"peak_bytes\": %" PRId64, peak_bytes);
    if (writer) std::printf(", \"writer\": %s", writer_json(records, from, to, interval_us * 1000).c_str());
    std::printf("}\n");
    return 0;
}
