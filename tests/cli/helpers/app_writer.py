#!/usr/bin/env python3
"""The web application's writes, for tests of how long mailjobs holds the write lock.

usage: app_writer.py DB TIMEOUT_S STOP_FILE REPORT_FILE
Inserts one row into app_writes every ~5 ms with a busy timeout of TIMEOUT_S (SQLite's default busy
handler, as PHP's and Python's drivers use) until STOP_FILE exists, then writes a JSON report:
{"ok": rows inserted, "locked": writes that failed "database is locked", "max_wait_ms": longest
insert, "errors": first few messages}.
"""
import json
import os
import sqlite3
import sys
import time

db, timeout, stop, report = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
con = sqlite3.connect(db, timeout=timeout, isolation_level=None)
con.execute("CREATE TABLE IF NOT EXISTS app_writes(id INTEGER PRIMARY KEY, at REAL)")
ok = locked = 0
max_wait = 0.0
errors = []
while not os.path.exists(stop):
    t0 = time.monotonic()
    try:
        con.execute("INSERT INTO app_writes(at) VALUES(?)", (time.time(),))
        ok += 1
    except sqlite3.OperationalError as e:
        locked += 1
        if len(errors) < 5:
            errors.append(str(e))
    max_wait = max(max_wait, (time.monotonic() - t0) * 1000)
    time.sleep(0.005)
with open(report + ".tmp", "w") as f:
    json.dump({"ok": ok, "locked": locked, "max_wait_ms": round(max_wait, 1), "errors": errors}, f)
os.rename(report + ".tmp", report)
