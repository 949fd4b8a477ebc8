#!/usr/bin/env python3
"""A DNS server that answers badly, for dns-recheck's "unknown" cases (standard library only).

    dns_server.py --port-file FILE [--mode servfail|refused|drop|per-name]

Binds UDP 127.0.0.1 on a free port and writes it to FILE once listening. Every query gets:
  servfail  rcode 2 (SERVFAIL), no records
  refused   rcode 5 (REFUSED)
  drop      no answer at all (the resolver times out)
  per-name  by the first label of the name asked: servfail.*, refused.*, drop.*; anything else
            NXDOMAIN (rcode 3)
The reply is the query's 12-byte header (id kept, QR set, RD copied, RA set) and its question.
"""
import argparse
import socket

CODES = {"servfail": 2, "refused": 5, "nxdomain": 3}


def question_end(msg):
    """Offset just past the first question (QNAME labels, then QTYPE and QCLASS)."""
    i = 12
    while i < len(msg) and msg[i] != 0:
        i += 1 + msg[i]
    return i + 1 + 4


def first_label(msg):
    if len(msg) < 13:
        return ""
    n = msg[12]
    return msg[13:13 + n].decode("ascii", "replace").lower()


def reply(msg, rcode):
    end = question_end(msg)
    flags = 0x8000 | (msg[2] & 0x01) << 8 | 0x0080 | rcode  # QR, RD copied, RA, rcode
    header = msg[0:2] + flags.to_bytes(2, "big") + (1).to_bytes(2, "big") + bytes(6)
    return header + msg[12:end]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--mode", default="per-name", choices=["servfail", "refused", "drop", "per-name"])
    a = ap.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    while True:
        msg, peer = s.recvfrom(4096)
        if len(msg) < 12:
            continue
        mode = a.mode
        if mode == "per-name":
            mode = first_label(msg)
            if mode not in ("servfail", "refused", "drop"):
                mode = "nxdomain"
        if mode == "drop":
            continue
        s.sendto(reply(msg, CODES[mode]), peer)


if __name__ == "__main__":
    main()
