"""Prints purge.bench.sh's table from the JSON files it left in its work folder.

Figures and ratios with the issue's targets alongside; no verdicts (bench/run.sh)."""
import json
import os
import sys

work, rows_total, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def load(name, default=None):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return default if default is not None else {}
    with open(path) as f:
        return json.load(f)


NAMES = {"a": "(a) one DELETE statement (reference)",
         "b": "(b) mailjobs run delivery-log-cleanup",
         "c": "(c) seed 000 algorithm (1000/batch)"}
gen = load("gen-%d.json" % rows_total)
print("\ndelivery_log: %d rows over 180 d, %d older than the 90 d cutoff%s" % (
    rows_total, rows_total // 2, ", avg payload %d B" % gen["avg_payload_bytes"] if gen else ""))
print("writer: a separate process inserting one delivery_log row every 5 ms (BEGIN IMMEDIATE, busy_timeout 60 s)\n")

hdr = ("variant", "rows", "wall s", "rows/s", "vs (a)", "longest txn ms", "writer n", "writer p99 ms",
       "writer max ms", "p99 intended ms", "peak RSS MB", "old left")
rows = []
rate = {}
for i in range(1, repeat + 1):
    for v in "abc":
        m, out, chk = load("%s%d.measure.json" % (v, i)), load("%s%d.out" % (v, i)), load("%s%d.check.json" % (v, i))
        if not m:
            continue
        n = out.get("rows", 0)
        wall = m["median_ms"] / 1000.0
        rate[(v, i)] = n / wall if wall else 0
        w = m.get("writer", {})
        rows.append(["%s%s" % (NAMES[v], " #%d" % i if repeat > 1 else ""), n, "%.2f" % wall, "%.0f" % rate[(v, i)],
                     "%.2f" % (rate[(v, i)] / rate[("a", i)]) if rate.get(("a", i)) else "-",
                     "%.1f" % out.get("max_txn_ms", 0), w.get("count", "-"), w.get("p99_ms", "-"),
                     w.get("max_ms", "-"), w.get("intended_p99_ms", "-"), "%.1f" % (m["maxrss_kb"] / 1024.0),
                     chk.get("left_old", "?")])
widths = [max(len(str(r[k])) for r in rows + [hdr]) for k in range(len(hdr))]
for r in [hdr] + rows:
    print("  ".join(str(c).ljust(w) if k == 0 else str(c).rjust(w) for k, (c, w) in enumerate(zip(r, widths))))

print("\n(b) in detail, against the issue's targets:")
for i in range(1, repeat + 1):
    out, bat, m = load("b%d.out" % i), load("b%d.batches.json" % i), load("b%d.measure.json" % i)
    if not out:
        continue
    w = m.get("writer", {})
    ratio = rate[("b", i)] / rate[("a", i)] if rate.get(("a", i)) else 0
    tag = " (run %d)" % i if repeat > 1 else ""
    print("  throughput b/a%s            %.2f          target >= 0.8" % (tag, ratio))
    print("  longest write txn%s         %s ms        target <= 25 ms  (job_runs.max_txn_ms; "
          "largest batch txn_ms in the job's log: %s ms)" % (tag, out.get("max_txn_ms"), bat.get("batch_txn_max_ms", "?")))
    print("  writer p99 during (b)%s     %s ms      target <= 25 ms  (max %s ms, %s inserts; from intended start: p99 %s ms)"
          % (tag, w.get("p99_ms"), w.get("max_ms"), w.get("count"), w.get("intended_p99_ms")))
    print("  peak RSS of (b)%s           %.1f MB       target <= 32 MB" % (tag, m["maxrss_kb"] / 1024.0))
    print("  job: outcome %s, exit reason %s, duration %s ms; %s batches of %s..%s rows (median %s), "
          "txn median %.1f ms, %s batches over 25 ms" % (
              out.get("outcome"), out.get("exit_reason"), out.get("duration_ms"), bat.get("batches"),
              bat.get("batch_rows_min"), bat.get("batch_rows_max"), bat.get("batch_rows_median"),
              bat.get("batch_txn_median_ms") or 0, bat.get("batches_over_25ms")))

print("\nmailjobs tick with nothing due (target <= 20 ms at both sizes):")
for label in ("small", "big"):
    m, chk = load("tick-%s.measure.json" % label), load("tick-%s.check.json" % label)
    if not m:
        continue
    print("  %9s delivery_log rows: median %.1f ms, max %.1f ms over %d ticks; jobs run %s, job_runs rows written %s; "
          "database file read: %s preads, %s bytes (tick %d s after the first one)" % (
              chk["rows"], m["median_ms"], m["max_ms"], m["runs"], chk["jobs_run_when_nothing_due"],
              chk["job_runs_written"], chk["db_preads"], chk["db_bytes_read"], chk["later_s"]))
