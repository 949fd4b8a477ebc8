#!/usr/bin/python3
"""A WebDAV server that fails in the ways lighttpd's mod_webdav cannot be made to, for the upload tests.

usage: webdav_faults.py --mode MODE --port-file FILE --log FILE --root DIR

Binds 127.0.0.1 on a free port and writes the port to --port-file once it listens. Understands
PUT, MKCOL, PROPFIND (Depth 0, DAV:getcontentlength) and HEAD on files under --root, each logged to
--log as one JSON line {"method", "path", "status", "received"} (received: body bytes read).
Basic auth is not checked (lighttpd's tests do that). MODE decides how a PUT goes:
  507    reads the whole body, stores nothing, answers 507 Insufficient Storage (a full Web Disk quota)
  drop   reads the first 512 bytes of the body, then closes the connection without an answer
         (a proxy or server dying mid-upload)
  short  stores only the first half of the body and answers 201 Created: the verification
         (PROPFIND getcontentlength) then reports fewer bytes than were sent
  ok     stores the body and answers 201 (204 when the file existed)
Stops on SIGTERM/SIGINT.
"""
import argparse
import json
import os
import signal
import socket
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True, choices=["507", "drop", "short", "ok"])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    os.makedirs(args.root, exist_ok=True)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def local(self):
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            return os.path.join(args.root, path.lstrip("/"))

        def record(self, status, received=0):
            with LOCK, open(args.log, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path, "status": status, "received": received}) + "\n")

        def answer(self, status, body=b"", ctype="text/plain"):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def read_body(self, limit=None):
            n = int(self.headers.get("Content-Length", "0"))
            want = n if limit is None else min(n, limit)
            data = b""
            while len(data) < want:
                chunk = self.rfile.read(min(65536, want - len(data)))
                if not chunk:
                    break
                data += chunk
            return data, n

        def do_PUT(self):
            path = self.local()
            if args.mode == "drop":
                data, _ = self.read_body(512)
                self.record(0, len(data))
                # an abrupt close (RST): the client sees the connection die mid-upload
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.connection.close()
                self.close_connection = True
                return
            data, n = self.read_body()
            if args.mode == "507":
                self.record(507, len(data))
                self.answer(507, b"Insufficient Storage: quota exceeded")
                return
            if not os.path.isdir(os.path.dirname(path)):
                self.record(409, len(data))
                self.answer(409, b"parent folder missing")
                return
            existed = os.path.exists(path)
            with open(path, "wb") as f:
                f.write(data[: len(data) // 2] if args.mode == "short" else data)
            status = 204 if existed and args.mode == "ok" else 201
            self.record(status, len(data))
            self.answer(status)

        def do_MKCOL(self):
            path = self.local().rstrip("/")
            if os.path.isdir(path):
                self.record(405)
                self.answer(405)
                return
            if not os.path.isdir(os.path.dirname(path)):
                self.record(409)
                self.answer(409)
                return
            os.mkdir(path)
            self.record(201)
            self.answer(201)

        def do_PROPFIND(self):
            self.read_body()
            path = self.local()
            if not os.path.isfile(path):
                self.record(404)
                self.answer(404)
                return
            size = os.path.getsize(path)
            xml = ('<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:"><D:response>'
                   "<D:href>%s</D:href><D:propstat><D:prop><D:getcontentlength>%d</D:getcontentlength>"
                   "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>"
                   % (self.path, size)).encode()
            self.record(207)
            self.answer(207, xml, "application/xml; charset=utf-8")

        def do_HEAD(self):
            path = self.local()
            if not os.path.isfile(path):
                self.record(404)
                self.answer(404)
                return
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Length", str(os.path.getsize(path)))
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
