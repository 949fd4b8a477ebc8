# Helpers for whole-binary tests that need the recording HTTP server (tests/servers/http_server.py).
# Source after tests/cli/lib.sh. Sets HTTP_URL (http://127.0.0.1:PORT), HTTP_LOG, HTTP_RULES.
SERVERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# start_http_server [--tls-cert PEM --tls-key PEM]
start_http_server() {
  HTTP_LOG=$WORK/http.jsonl
  HTTP_RULES=$WORK/http-rules.json
  echo '{}' > "$HTTP_RULES"
  rm -f "$WORK/http.port"
  /usr/bin/python3 "$SERVERS_DIR/http_server.py" --port-file "$WORK/http.port" --log "$HTTP_LOG" --rules "$HTTP_RULES" "$@" &
  HTTP_PID=$!
  for _ in $(seq 100); do [ -s "$WORK/http.port" ] && break; sleep 0.05; done
  [ -s "$WORK/http.port" ] || fail "http server did not start"
  HTTP_PORT=$(cat "$WORK/http.port")
  HTTP_URL=http://127.0.0.1:$HTTP_PORT
}
# http_rules JSON: how the server answers from now on (see http_server.py)
http_rules() { echo "$1" > "$HTTP_RULES"; }
# http_count [PATH_PREFIX]: requests received (optionally only under PATH_PREFIX)
http_count() {
  /usr/bin/python3 -c '
import json, sys
n = sum(1 for l in open(sys.argv[1]) if l.strip() and json.loads(l)["path"].startswith(sys.argv[2]))
print(n)' "$HTTP_LOG" "${1:-/}"
}
# http_py 'PYTHON EXPRESSION over reqs': evaluates with reqs = list of recorded requests; prints it
http_py() {
  /usr/bin/python3 -c '
import json, sys, hmac, hashlib
reqs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r = eval(sys.argv[2])
print(r if not isinstance(r, (list, dict)) else json.dumps(r))' "$HTTP_LOG" "$1"
}
# make_cert NAME: a self-signed certificate for 127.0.0.1 (NAME.pem, NAME.key in $WORK); it is its own CA
make_cert() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$WORK/$1.key" -out "$WORK/$1.pem" 2>/dev/null || fail "openssl req failed"
}
# free_port: a port nothing listens on (bound and released; for "connection refused")
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
