"""Prints purge.bench.sh's table from the JSON files it left in its work folder.

Figures and ratios with the issue's targets alongside; no verdicts (bench/run.sh)."""
import json
import os
import statistics
import sys

work, rows_total, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def load(name):
    path = os.path.join(work, name)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return {}
    with open(path) as f:
        return json.load(f)


def table(hdr, rows):
    widths = [max(len(str(r[k])) for r in rows + [hdr]) for k in range(len(hdr))]
    for r in [hdr] + rows:
        print("  " + "  ".join(str(c).ljust(w) if k == 0 else str(c).rjust(w)
                               for k, (c, w) in enumerate(zip(r, widths))))


NAMES = {"a": "(a) one DELETE statement", "b": "(b) delivery-log-cleanup", "c": "(c) seed 000 algorithm"}
gen = load("gen-%d.json" % rows_total)
print("\ndelivery_log: %d rows over 180 d, %d older than the 90 d cutoff%s" % (
    rows_total, rows_total // 2, ", avg payload %d B" % gen["avg_payload_bytes"] if gen else ""))
print("each variant on a fresh copy of the same file; meanwhile a separate process inserts one delivery_log row")
print("every 5 ms (BEGIN IMMEDIATE, busy_timeout 60 s, SQLite's automatic checkpoint at 1000 WAL pages)\n")

hdr = ("variant", "rows", "wall s", "rows/s", "/(a)", "longest txn ms", "writer n", "p99 ms", "max ms",
       "p99 intended ms", "app ckpts (max ms)", "peak WAL MB", "peak RSS MB", "old left", "kept")
rows, rate, figures = [], {}, {"b": []}
for i in range(1, repeat + 1):
    for v in "abc":
        m, out, chk = load("%s%d.measure.json" % (v, i)), load("%s%d.out" % (v, i)), load("%s%d.check.json" % (v, i))
        if not m:
            continue
        n, wall, w = out.get("rows", 0), m["median_ms"] / 1000.0, m.get("writer", {})
        rate[(v, i)] = n / wall if wall else 0
        ratio = rate[(v, i)] / rate[("a", i)] if rate.get(("a", i)) else 0
        if v == "b":
            figures["b"].append({"ratio": ratio, "txn": out.get("max_txn_ms", 0), "p99": w.get("p99_ms", 0),
                                 "rss": m["maxrss_kb"] / 1024.0, "wait": w.get("lock_wait_max_ms", 0)})
        rows.append(["%s #%d" % (NAMES[v], i), n, "%.2f" % wall, "%.0f" % rate[(v, i)], "%.2f" % ratio,
                     "%.1f" % out.get("max_txn_ms", 0), w.get("count", "-"), w.get("p99_ms", "-"), w.get("max_ms", "-"),
                     w.get("intended_p99_ms", "-"), "%s (%s)" % (w.get("checkpoints", "-"), w.get("checkpoint_max_ms", "-")),
                     "%.0f" % (m.get("peak_bytes", 0) / 1048576.0), "%.1f" % (m["maxrss_kb"] / 1024.0),
                     chk.get("left_old", "?"), chk.get("kept", "?")])
table(hdr, rows)
print("  (writer p99/max: BEGIN IMMEDIATE to COMMIT of the inserts during the run; 'intended' also counts the 5 ms")
print("   slots that passed while an insert waited; app ckpts: inserts whose COMMIT ran a WAL checkpoint)")

b = figures["b"]
if b:
    med = lambda k: statistics.median(x[k] for x in b)
    worst = lambda k, f=max: f(x[k] for x in b)
    print("\n(b) against the issue's targets (median of %d runs; worst run in brackets):" % len(b))
    print("  throughput b/a           %5.2f  [%5.2f]   target >= 0.8" % (med("ratio"), worst("ratio", min)))
    print("  longest write txn        %5.1f  [%5.1f]   target <= 25 ms  (job_runs.max_txn_ms; cross-check: the writer's"
          " longest wait for the lock %.1f [%.1f] ms, which includes its busy handler's sleep steps)"
          % (med("txn"), worst("txn"), med("wait"), worst("wait")))
    print("  writer p99 during (b)    %5.1f  [%5.1f]   target <= 25 ms" % (med("p99"), worst("p99")))
    print("  peak RSS of (b)          %5.1f  [%5.1f]   target <= 32 MB" % (med("rss"), worst("rss")))
    for i in range(1, repeat + 1):
        out, bat = load("b%d.out" % i), load("b%d.batches.json" % i)
        if out:
            print("  run %d: %s/%s, %s ms; %s batches of %s..%s rows (median %s), txn median %.1f ms, largest %.1f ms "
                  "(job log), %s over 25 ms" % (
                      i, out.get("outcome"), out.get("exit_reason"), out.get("duration_ms"), bat.get("batches"),
                      bat.get("batch_rows_min"), bat.get("batch_rows_max"), bat.get("batch_rows_median"),
                      bat.get("batch_txn_median_ms") or 0, bat.get("batch_txn_max_ms") or 0, bat.get("batches_over_25ms")))

probe = os.path.join(work, "probe.jsonl")
if os.path.exists(probe):
    print("\nbatch_probe: the engine's batch with a fixed size, no concurrent writer (where the time goes):")
    with open(probe) as f:
        ps = [json.loads(line) for line in f if line.strip()]
    table(("rows/batch", "cache KB", "txn ms med", "txn ms max", "us/row in txn", "WAL pages/row", "select ms",
           "checkpoint ms", "rows/s"),
          [[p["batch_rows"], p["cache_kb"], p["txn_ms_median"], p["txn_ms_max"], p["txn_us_per_row"],
            p["wal_pages_per_row"], p["select_ms"], p["checkpoint_ms"], p["rows_per_s"]] for p in ps])

print("\nmailjobs tick with nothing due (target <= 20 ms at both sizes):")
for label in ("small", "big"):
    m, chk = load("tick-%s.measure.json" % label), load("tick-%s.check.json" % label)
    if m:
        print("  %9s delivery_log rows: median %.1f ms, max %.1f ms over %d ticks; jobs run %s, job_runs rows written %s;"
              " database file read: %s preads, %s bytes (%d s after the first tick)" % (
                  chk["rows"], m["median_ms"], m["max_ms"], m["runs"], chk["jobs_run_when_nothing_due"],
                  chk["job_runs_written"], chk["db_preads"], chk["db_bytes_read"], chk["later_s"]))
