#!/usr/bin/env bash
# Delivery benchmark (issue 5): notification-delivery sending BENCH_MESSAGES queued notices to the
# local aiosmtpd server (tests/servers/smtp_server.py) over SMTP, once with one connection reused
# for each batch run ([mail] smtp_reuse_connection = true, the default) and once with a new
# connection per message (false). Prints messages/s, connections the server saw, the peak memory
# of the mailjobs process (VmHWM / max RSS from wait4) and its longest write transaction.
# Then the same through the sendmail transport with a trivial sendmail (cat > /dev/null), which
# shows the fork+exec cost per message on cPanel's default path.
#
#   BENCH_MESSAGES=10000   queued notices (one user each, ~400-byte body)
#   BENCH_REPEAT=1         runs per variant (fresh copy of the database each time)
#
# The server is single-threaded Python and writes every message to a JSON Lines file: it is part
# of what is measured, like a real relay would be. Figures only, no verdicts.
set -euo pipefail
MJ=${MAILJOBS_BIN:?set MAILJOBS_BIN to the mailjobs binary}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
N=${BENCH_MESSAGES:-10000}
REPEAT=${BENCH_REPEAT:-1}
NOW=1795000000
work=$(realpath -m "$(dirname "$MJ")/bench/delivery-work")
rm -rf "$work" && mkdir -p "$work"
say() { echo "bench: $*" >&2; }
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true' EXIT

# 1. The SMTP server on a free port.
/usr/bin/python3 "$root/tests/servers/smtp_server.py" "$work/smtp" 2>"$work/smtp.err" &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/smtp/port" ] && break; sleep 0.1; done
port=$(cat "$work/smtp/port")

# 2. A database with N queued notices (made once, copied per run).
cat >"$work/base.ini" <<INI
[general]
database = $work/run.db
log_file = $work/run.log
log_level = warn
time_budget = 1h
[job.notification-delivery]
hourly_cap = $((N * 2))
batch_size = 100
INI
MAILJOBS_CONFIG=$work/base.ini "$MJ" migrate >/dev/null
body=$(printf 'Your alias shop@alias.example.net received a message that could not be forwarded. %.0s' 1 2 3 4)
sqlite3 "$work/run.db" "
  WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $N)
  INSERT INTO users(id, email, created_at) SELECT i, 'user' || i || '@example.com', $NOW - 86400 FROM c;
  WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $N)
  INSERT INTO notification_outbox(user_id, to_address, kind, subject, body, dedupe_key, next_attempt_at, created_at)
  SELECT i, 'user' || i || '@example.com', 'bench', 'Notice ' || i, '$body', 'bench:' || i, $NOW - 60, $NOW - 60 FROM c;"
cp "$work/run.db" "$work/pristine.db"

# run_variant NAME [MAIL SETTINGS...]: prints one result line.
run_variant() {
  local name=$1; shift
  for r in $(seq 1 "$REPEAT"); do
    cp "$work/pristine.db" "$work/run.db"; rm -f "$work/run.db-wal" "$work/run.db-shm"
    { cat "$work/base.ini"; echo "[mail]"; echo "from_address = porter@mail.example.net"; printf '%s\n' "$@"; } >"$work/run.ini"
    local c0 m0
    c0=$(lines "$work/smtp/connections.log")
    m0=$(lines "$work/smtp/messages.jsonl")
    /usr/bin/time -f '%e %M' -o "$work/time" env MAILJOBS_CONFIG="$work/run.ini" "$MJ" run notification-delivery --now $NOW >/dev/null
    read -r secs rss_kb <"$work/time"
    local conns msgs sent txn
    conns=$(( $(lines "$work/smtp/connections.log") - c0 ))
    msgs=$(( $(lines "$work/smtp/messages.jsonl") - m0 ))
    sent=$(sqlite3 "$work/run.db" "SELECT count(*) FROM notification_outbox WHERE status='sent'")
    txn=$(sqlite3 "$work/run.db" "SELECT max_txn_ms FROM job_runs ORDER BY id DESC LIMIT 1")
    awk -v n="$name" -v s="$secs" -v sent="$sent" -v rss="$rss_kb" -v c="$conns" -v m="$msgs" -v t="$txn" 'BEGIN {
      printf "%-34s %7d sent %8.2f s %9.0f msg/s  server: %6d msgs %6d conns  peak RSS %6.1f MiB  longest txn %3d ms\n",
             n, sent, s, (s > 0 ? sent / s : 0), m, c, rss / 1024, t }'
  done
}

say "$N notices, SMTP server on 127.0.0.1:$port"
smtp=("transport = smtp" "smtp_host = 127.0.0.1" "smtp_port = $port" "smtp_starttls = off")
run_variant "smtp, one connection per batch run" "${smtp[@]}" "smtp_reuse_connection = true"
run_variant "smtp, one connection per message" "${smtp[@]}" "smtp_reuse_connection = false"
# 3. The sendmail path: one fork+exec per message (the program itself does nothing).
printf '#!/bin/sh\nexec cat >/dev/null\n' >"$work/null-sendmail"; chmod +x "$work/null-sendmail"
run_variant "sendmail (cat > /dev/null)" "transport = sendmail" "sendmail_command = $work/null-sendmail -t -i"
run_variant "maildir" "transport = maildir" "maildir_path = $work/maildir"
