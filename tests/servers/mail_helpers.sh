# Helpers for the delivery tests (sourced after tests/cli/lib.sh): a real SMTP server on
# 127.0.0.1, [mail] settings pointing at it, and failed_emails / outbox rows to send.
SERVERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# start_smtp [smtp_server.py options]: starts the server in $WORK/smtp, sets SMTP_DIR and SMTP_PORT.
start_smtp() {
  SMTP_DIR=$WORK/smtp
  mkdir -p "$SMTP_DIR"
  /usr/bin/python3 "$SERVERS/smtp_server.py" "$SMTP_DIR" "$@" 2>"$SMTP_DIR/server.err" &
  for _ in $(seq 1 100); do [ -s "$SMTP_DIR/port" ] && break; sleep 0.1; done
  [ -s "$SMTP_DIR/port" ] || fail "smtp server did not start: $(cat "$SMTP_DIR/server.err")"
  SMTP_PORT=$(cat "$SMTP_DIR/port")
}
# smtp_control JSON: how the server answers from now on (see smtp_server.py).
smtp_control() { echo "$1" > "$SMTP_DIR/control.json.tmp"; mv "$SMTP_DIR/control.json.tmp" "$SMTP_DIR/control.json"; }
smtp_received() { [ -f "$SMTP_DIR/messages.jsonl" ] && wc -l < "$SMTP_DIR/messages.jsonl" | tr -d ' ' || echo 0; }
smtp_rejected() { [ -f "$SMTP_DIR/rejected.jsonl" ] && wc -l < "$SMTP_DIR/rejected.jsonl" | tr -d ' ' || echo 0; }
smtp_connections() { [ -f "$SMTP_DIR/connections.log" ] && wc -l < "$SMTP_DIR/connections.log" | tr -d ' ' || echo 0; }
# smtp_field EXPR: one line per received message, EXPR evaluated in Python on the record `m`.
smtp_field() {
  /usr/bin/python3 -c 'import json,sys
for line in open(sys.argv[1]):
    m = json.loads(line); print(eval(sys.argv[2]))' "$SMTP_DIR/messages.jsonl" "$1"
}

# mail_ini_smtp: [mail] for the server started by start_smtp (plain SMTP, no STARTTLS).
mail_ini_smtp() {
  cat >> jobs.ini <<INI
[mail]
transport = smtp
smtp_host = 127.0.0.1
smtp_port = $SMTP_PORT
smtp_starttls = off
from_address = porter@mail.example.net
connect_timeout = 5s
timeout = 10s
INI
}

# add_failed N [FIRST_FAILED_AT] [RCPT_PREFIX]: N pending failed_emails of user 1, due 1h after
# FIRST_FAILED_AT (default NOW - 1h, i.e. due now), recipients dest1@example.org ..., each with
# a distinct Message-ID and Subject "forward N".
NL=$'\n'  # a newline inside an SQL literal: sqlite3 and psql both keep it (SQLite's char(10) is PostgreSQL's chr(10))
add_failed() {
  local n=$1 ff=${2:-$((NOW - 3600))} prefix=${3:-dest}
  sql "INSERT INTO users(id, email, created_at) VALUES(1, 'owner@example.com', $NOW - 86400) ON CONFLICT DO NOTHING;
       INSERT INTO aliases(id, user_id, address, created_at) VALUES(1, 1, 'shop@alias.example.net', $NOW - 86400) ON CONFLICT DO NOTHING;
       WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $n)
       INSERT INTO failed_emails(user_id, alias_id, message_id, mail_from, rcpt_to, raw_message, size_bytes,
                                 first_failed_at, attempts, next_attempt_at, last_error, status)
       SELECT 1, 1, '<m' || i || '@sender.example.com>', 'sender@sender.example.com', '$prefix' || i || '@example.org',
              CAST('From: Sender <sender@sender.example.com>' || '$NL' || 'To: shop@alias.example.net' || '$NL' ||
                   'Subject: forward ' || i || '$NL' || 'Message-ID: <m' || i || '@sender.example.com>' || '$NL' ||
                   '$NL' || 'Body of message ' || i || '$NL' AS BLOB),
              120, $ff, 0, $ff + 3600, 'original failure', 'pending' FROM c;"
}

# add_notices N [USER_ID] [KIND]: N queued outbox notices to user USER_ID (default 1), due now.
add_notices() {
  local n=$1 uid=${2:-1} kind=${3:-test_notice}
  sql "INSERT INTO users(id, email, created_at) VALUES($uid, 'user$uid@example.com', $NOW - 86400) ON CONFLICT DO NOTHING;
       WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $n)
       INSERT INTO notification_outbox(user_id, to_address, persona, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
       SELECT $uid, 'user$uid@example.com', 'porter', '$kind', 'Notice ' || i || ' for user $uid', 'Body of notice ' || i,
              '$kind:$uid:' || i, 'queued', $NOW - 60, $NOW - 60 FROM c;"
}
# smtp_bodies: the decoded text/plain body of every received message (quoted-printable undone).
smtp_bodies() {
  /usr/bin/python3 -c 'import email, json, sys
for line in open(sys.argv[1]):
    msg = email.message_from_string(json.loads(line)["data"])
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            print(part.get_payload(decode=True).decode("utf-8"))' "$SMTP_DIR/messages.jsonl"
}
