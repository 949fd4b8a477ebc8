#!/usr/bin/python3
# A real SMTP server for tests and benchmarks (Debian's python3-aiosmtpd), on 127.0.0.1 and a free
# port. Run with /usr/bin/python3 (the pyenv python3 on PATH has no aiosmtpd).
#
#   smtp_server.py DIR [--port N] [--tls-cert F --tls-key F [--implicit-tls]] [--auth USER:PASS]
#
# --port N listens on that port (default: a free one); to restart a stopped server where it was.
#
# DIR/port              the port, written once the server listens (wait for it)
# DIR/messages.jsonl    one JSON line per accepted message: conn, mail_from, rcpt_tos, size, data
# DIR/rejected.jsonl    one JSON line per refused transaction: conn, stage, reply, mail_from, rcpt
# DIR/connections.log   one line per TCP connection (count them to test connection reuse)
# DIR/control.json      how to answer, re-read on every command (absent = accept everything):
#   {"data": "451 4.3.0 try again later"}      reply to the end of DATA for every message
#   {"rcpt": {"x@example.com": "550 5.1.1 no such user"}}   per recipient, at RCPT TO
#   {"rcpt_all": "452 4.2.2 mailbox full"}     every recipient
#   {"delay": 0.2}                             seconds to wait before answering DATA
#   {"data_reply_delay": 5}                    accept the message (written to messages.jsonl) at
#                                              the end of DATA, then wait 5 s before the 250 reply:
#                                              a late answer about a message already handed over
#   {"stall": "greeting"|"ehlo"|"mail"|"rcpt"|"data"|"data_end"}
#                                              never answer at that stage (the connection stays
#                                              open and silent; "data_end" records the message
#                                              first, like data_reply_delay with no end)
# --tls-cert/--tls-key offer STARTTLS (or, with --implicit-tls, speak TLS from the first byte,
# like smtps on port 465). --auth requires AUTH PLAIN/LOGIN with those credentials.
import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

args = None
conn_counter = 0


def control():
    try:
        with open(os.path.join(args.dir, "control.json")) as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def append(name, record):
    with open(os.path.join(args.dir, name), "a") as f:
        f.write(json.dumps(record) + "\n")


async def stall_if(stage):
    if control().get("stall") == stage:
        await asyncio.sleep(24 * 3600)


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        await stall_if("ehlo")
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await stall_if("mail")
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await stall_if("rcpt")
        c = control()
        reply = c.get("rcpt", {}).get(address) or c.get("rcpt_all")
        if reply:
            append("rejected.jsonl", {"conn": session.conn_id, "stage": "rcpt", "reply": reply,
                                      "mail_from": envelope.mail_from, "rcpt": address})
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        c = control()
        if c.get("delay"):
            await asyncio.sleep(float(c["delay"]))
        data = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        reply = c.get("data")
        if reply:
            append("rejected.jsonl", {"conn": session.conn_id, "stage": "data", "reply": reply,
                                      "mail_from": envelope.mail_from, "rcpt": envelope.rcpt_tos})
            return reply
        append("messages.jsonl", {"conn": session.conn_id, "mail_from": envelope.mail_from,
                                  "rcpt_tos": envelope.rcpt_tos, "size": len(data),
                                  "data": data.decode("utf-8", "replace")})
        # The message is ours now; a client that gives up before the reply does not know that.
        if c.get("data_reply_delay"):
            await asyncio.sleep(float(c["data_reply_delay"]))
        await stall_if("data_end")
        return "250 2.0.0 OK queued"


class CountingSMTP(SMTP):
    def connection_made(self, transport):
        global conn_counter
        conn_counter += 1
        self.conn_id = conn_counter
        with open(os.path.join(args.dir, "connections.log"), "a") as f:
            f.write("%d\n" % conn_counter)
        super().connection_made(transport)

    async def smtp_DATA(self, arg):
        await stall_if("data")
        return await super().smtp_DATA(arg)

    async def _handle_client(self):
        await stall_if("greeting")
        return await super()._handle_client()

    def _create_session(self):
        s = super()._create_session()
        s.conn_id = self.conn_id
        return s


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
        if not ok:
            append("rejected.jsonl", {"conn": session.conn_id, "stage": "auth", "reply": "535"})
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd then answers 535 itself
    return check


async def main():
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    kwargs = {"hostname": "mx.test", "data_size_limit": 64 << 20}
    if tls and not args.implicit_tls:
        kwargs["tls_context"] = tls
    if args.auth:
        user, password = args.auth.split(":", 1)
        kwargs.update(authenticator=authenticator(user, password), auth_required=True, auth_require_tls=False)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: CountingSMTP(Handler(), **kwargs), "127.0.0.1", args.port,
                                      ssl=tls if args.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    tmp = os.path.join(args.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, os.path.join(args.dir, "port"))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--port", type=int, default=0)
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
