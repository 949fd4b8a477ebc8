#!/usr/bin/env python3
"""What a shorter writers' gap would cost a sparse application writer (issue 18, "a gap that
follows the application"): a model, not a measurement.

The purge holds the write lock B ms, leaves it free G ms, and so on (purge_connection.h). An
application INSERT that arrives at a random time tries at once and then when SQLite's default busy
handler wakes it: 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228 ms after its first try, then every
100 ms. It gets in at the first try that falls inside a gap. A writer that inserts every 2 s has
committed nothing for 2 s when it arrives, so PRAGMA data_version has shown the purge a quiet
database: with a gap that shortens while nobody else commits, it is exactly the writer that finds
the short gap. Prints, per gap, the purge's rows/s against the 10 ms gap and the writer's wait.

Run: python3 bench/writer_gap_model.py [BATCH_MS]   (B = 12 ms, batch_sizer.h's target)
"""
import random
import sys

POLLS = [0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228] + [328 + 100 * i for i in range(100)]


def wait_ms(arrive, batch, gap):
    period = batch + gap
    for p in POLLS:
        if (arrive + p) % period >= batch:
            return p
    return float("inf")  # never inside a gap within ~10 s: its busy timeout ends it


def main():
    batch = float(sys.argv[1]) if len(sys.argv) > 1 else 12.0
    rng = random.Random(1)
    print(f"batch {batch} ms; one INSERT arriving at a random time, 20000 samples")
    print(f"{'gap ms':>7} {'rows/s vs 10 ms':>16} {'wait median':>12} {'p99':>8} {'max':>8}")
    for gap in (1, 2, 3, 5, 7, 10):
        w = sorted(wait_ms(rng.uniform(0, 10000), batch, gap) for _ in range(20000))
        fmt = lambda v: "never" if v == float("inf") else f"{v:g}"
        print(f"{gap:>7} {(batch + 10) / (batch + gap):>15.2f}x {fmt(w[len(w) // 2]):>12} "
              f"{fmt(w[int(len(w) * 0.99)]):>8} {fmt(w[-1]):>8}")


if __name__ == "__main__":
    main()
