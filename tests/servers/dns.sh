# Real DNS servers on 127.0.0.1 for dns-recheck's tests. Source after tests/cli/lib.sh; the test's
# EXIT trap (lib.sh) stops them with its other background jobs.
#
#   start_dnsmasq ARGS...   Debian's dnsmasq on a free UDP/TCP port, answering only from ARGS
#                           (--txt-record=, --mx-host=, --cname=, ...; no /etc/hosts, no upstream:
#                           any other name in a domain it serves is NXDOMAIN, see --auth-zone use
#                           below). Sets DNSMASQ_PORT. Restart with new records: stop_dnsmasq, start.
#   stop_dnsmasq
#   start_bad_dns MODE      tests/servers/dns_server.py: servfail | refused | drop | per-name.
#                           Sets BAD_DNS_PORT.
#   dns_ini [SERVER]        writes [job.dns-recheck] into jobs.ini for SERVER (default the dnsmasq),
#                           short timeouts, mx_hosts = mx1.mail.test
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
DNS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

start_dnsmasq() {
  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    # --local=/test/ with no upstream: names under .test that no record names are NXDOMAIN
    # (not forwarded, not REFUSED); --log-queries into a file to debug a failing test.
    dnsmasq --keep-in-foreground --port="$port" --listen-address=127.0.0.1 --bind-interfaces \
      --no-resolv --no-hosts --no-daemon --local=/test/ --conf-file=/dev/null --pid-file= \
      --log-facility="$WORK/dnsmasq.log" "$@" 2>>"$WORK/dnsmasq-stderr.log" &
    DNSMASQ_PID=$!
    local i
    for i in $(seq 1 50); do
      if ! kill -0 "$DNSMASQ_PID" 2>/dev/null; then break; fi
      if python3 - "$port" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.2)
q = b'\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05probe\x04test\x00\x00\x10\x00\x01'
s.sendto(q, ("127.0.0.1", int(sys.argv[1]))); s.recvfrom(512)
PY
      then DNSMASQ_PORT=$port; return 0; fi
      sleep 0.1
    done
    kill "$DNSMASQ_PID" 2>/dev/null || true; wait "$DNSMASQ_PID" 2>/dev/null || true
  done
  echo "dnsmasq did not start: $(cat "$WORK/dnsmasq-stderr.log")" >&2; return 1
}

stop_dnsmasq() { kill "$DNSMASQ_PID" 2>/dev/null || true; wait "$DNSMASQ_PID" 2>/dev/null || true; }

start_bad_dns() {
  rm -f "$WORK/bad-dns.port"
  python3 "$DNS_HERE/dns_server.py" --port-file "$WORK/bad-dns.port" --mode "$1" &
  BAD_DNS_PID=$!
  local i
  for i in $(seq 1 50); do [ -s "$WORK/bad-dns.port" ] && break; sleep 0.1; done
  BAD_DNS_PORT=$(cat "$WORK/bad-dns.port")
}

dns_ini() {
  if grep -q '^\[job.dns-recheck\]' jobs.ini; then  # again (a restarted server): only the server changes
    sed -i "s/^servers = .*/servers = ${1:-127.0.0.1:$DNSMASQ_PORT}/" jobs.ini; return
  fi
  cat >> jobs.ini <<INI
[job.dns-recheck]
servers = ${1:-127.0.0.1:$DNSMASQ_PORT}
timeout = 300ms
tries = 1
mx_hosts = mx1.mail.test, mx2.mail.test
INI
}

# add_domain ID NAME STATUS TOKEN CREATED_AT [NEXT_CHECK_AT] [USER_ID]   (user 1 unless given)
add_domain() {
  sql "INSERT INTO domains(id, user_id, name, status, verification_token, created_at, next_check_at, notified_status)
       VALUES($1, ${7:-1}, '$2', '$3', '$4', $5, ${6:-$5}, CASE WHEN '$3' = 'pending' THEN NULL ELSE '$3' END);"
}
# domain_field NAME COLUMN
domain_field() { sql "SELECT $2 FROM domains WHERE name = '$1'"; }
notices_of() { sql "SELECT count(*) FROM notification_outbox WHERE kind = 'dns_status' AND dedupe_key LIKE 'dns_status:' || (SELECT uuid FROM domains WHERE name = '$1') || ':%'"; }
