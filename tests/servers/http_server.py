#!/usr/bin/python3
"""A recording HTTP server for mailjobs tests (webhooks, alert webhooks, monitoring pings).

usage: http_server.py --port-file FILE --log FILE [--rules FILE] [--tls-cert PEM --tls-key PEM]

Binds 127.0.0.1 on a free port (port 0) and writes the port to --port-file once it listens, so
tests run side by side. Every request is appended to --log as one JSON line:
  {"t": unix time, "method", "path" (without query), "query" (dict of lists), "headers" (dict,
   lower-case names), "body" (text), "status" (what was answered)}
How to answer is read from --rules (JSON) on every request, so a test changes behaviour by
rewriting that file. Keys are path prefixes, the longest match wins; default: 200 "ok".
  {"/hook": {"status": 503, "body": "busy"},
   "/slow": {"delay": 30},                      # sleep before answering (a hanging receiver)
   "/moved": {"status": 302, "location": "http://example.invalid/"},
   "/seq": {"sequence": [503, 503, 200]},       # one status per request, the last one repeats
   "/raw": {"body_hex": "1b5b324aff"}}          # an answer of any bytes (not UTF-8, controls)
With --tls-cert/--tls-key it speaks HTTPS only. Stops on SIGTERM/SIGINT.
"""
import argparse
import json
import os
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
SEQ_POS = {}


def load_rules(path):
    if not path or not os.path.exists(path):
        return {}
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def rule_for(rules, path):
    best = None
    for prefix in rules:
        if path.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return best, (rules[best] if best is not None else {})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep the test output quiet
        pass

    def handle_any(self):
        parsed = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        prefix, rule = rule_for(load_rules(self.server.rules), parsed.path)
        status = rule.get("status", 200)
        if "sequence" in rule:
            with LOCK:
                i = SEQ_POS.get(prefix, 0)
                SEQ_POS[prefix] = i + 1
            seq = rule["sequence"]
            status = seq[min(i, len(seq) - 1)]
        record = {
            "t": time.time(),
            "method": self.command,
            "path": parsed.path,
            "query": urllib.parse.parse_qs(parsed.query),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "status": status,
        }
        with LOCK:
            with open(self.server.log, "a") as f:
                f.write(json.dumps(record) + "\n")
        delay = rule.get("delay", 0)
        if delay:
            time.sleep(delay)
        payload = bytes.fromhex(rule["body_hex"]) if "body_hex" in rule else rule.get("body", "ok").encode()
        try:
            self.send_response(status)
            if "location" in rule:
                self.send_header("Location", rule["location"])
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): nothing to answer

    do_GET = do_POST = do_PUT = do_HEAD = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--rules", default="")
    ap.add_argument("--tls-cert", default="")
    ap.add_argument("--tls-key", default="")
    a = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if a.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    server.log = a.log
    server.rules = a.rules
    open(a.log, "a").close()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, a.port_file)  # the port file appears complete or not at all
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
