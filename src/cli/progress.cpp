#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include "core/log.h"
#include "core/text.h"

namespace mj {
namespace {

std::string grouped(int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
}

std::string eta_text(double s) {
    const int64_t t = static_cast<int64_t>(s + 0.5);
    if (t < 60) return std::to_string(t) + "s";
    if (t < 3600) return std::to_string(t / 60) + "m" + (t % 60 < 10 ? "0" : "") + std::to_string(t % 60) + "s";
    return std::to_string(t / 3600) + "h" + (t / 60 % 60 < 10 ? "0" : "") + std::to_string(t / 60 % 60) + "m";
}

class TerminalProgress : public ProgressObserver {
public:
    void batch(const JobContext& ctx) override {
        auto now = std::chrono::steady_clock::now();
        if (ctx.run_id != run_id_) {  // a new run
            run_id_ = ctx.run_id;
            start_ = now;
            last_draw_ = {};
        }
        if (last_draw_ != std::chrono::steady_clock::time_point{} && now - last_draw_ < std::chrono::milliseconds(100)) return;
        last_draw_ = now;
        draw(ctx, now);
    }
    void end(const JobContext& ctx) override {
        if (ctx.run_id == run_id_ && drawn_) {  // the last state stays, and the next line starts below it
            draw(ctx, std::chrono::steady_clock::now());
            std::fputs("\n", stdout);
            std::fflush(stdout);
        }
        drawn_ = showing_ = false;
        run_id_ = 0;
    }

    // A log line is about to go to stderr (the same terminal): take the line away; the next batch
    // draws it again below the log line.
    void clear() {
        if (!showing_) return;
        std::fputs("\r\x1b[K", stdout);
        std::fflush(stdout);
        showing_ = false;
    }

private:
    void draw(const JobContext& ctx, std::chrono::steady_clock::time_point now) {
        const double elapsed = std::chrono::duration<double>(now - start_).count();
        const int64_t done = ctx.counts.changed ? ctx.counts.changed : ctx.counts.examined;
        // "\r" to the line's start, the line, then erase what a longer earlier line left (EL).
        std::fprintf(stdout, "\r%s\x1b[K", progress_line(ctx.job, done, ctx.expected, elapsed, ctx.db.last_txn_us()).c_str());
        std::fflush(stdout);
        drawn_ = showing_ = true;
    }
    int64_t run_id_ = 0;
    bool drawn_ = false;    // this run drew its line at least once
    bool showing_ = false;  // the line is on the screen now (not cleared for a log line)
    std::chrono::steady_clock::time_point start_{}, last_draw_{};
};

}  // namespace

std::string progress_line(const std::string& job, int64_t done, int64_t expected, double elapsed_s, int64_t batch_us) {
    std::string line = printable(job) + "  " + grouped(done);
    if (expected > 0) {
        const int64_t pct = done >= expected ? 100 : done * 100 / expected;
        line += " of " + grouped(expected) + " rows (" + std::to_string(pct) + "%)";
    } else {
        line += " rows";
    }
    const double rate = elapsed_s > 0.05 ? done / elapsed_s : 0;
    if (rate > 0) line += "  " + grouped(static_cast<int64_t>(rate + 0.5)) + " rows/s";
    if (rate > 0 && expected > done) line += "  ETA " + eta_text((expected - done) / rate);
    if (batch_us > 0) line += "  batch " + std::to_string((batch_us + 500) / 1000) + " ms";
    return line;
}

ProgressScope::ProgressScope(const cxxopts::ParseResult& args) {
    if (args.count("quiet") || args.count("json") || !isatty(STDOUT_FILENO)) return;
    auto* p = new TerminalProgress();
    observer_ = p;
    set_progress_observer(observer_);
    logger().set_before_stderr([p] { p->clear(); });
}

ProgressScope::~ProgressScope() {
    if (!observer_) return;
    set_progress_observer(nullptr);
    logger().set_before_stderr(nullptr);
    delete observer_;
}

}  // namespace mj
