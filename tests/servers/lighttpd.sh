# A real web server for the CGI tests: Debian's lighttpd on 127.0.0.1, mod_cgi running the
# binary under test as www/cgi-bin/mailjobs.cgi with MAILJOBS_CONFIG=$WORK/jobs.ini, the way
# share/cpanel/README.md sets it up. Source it after tests/cli/lib.sh; the test's EXIT trap
# (lib.sh) stops the server with the test's other background jobs.
#
#   start_lighttpd             sets BASE=http://127.0.0.1:PORT/cgi-bin/mailjobs.cgi
#                              (LIGHTTPD_SETENV=0: no MAILJOBS_CONFIG, as under Apache's suEXEC)
#   call METHOD PATH [curl args...]
#                              sets STATUS (HTTP code), BODY (response body), HEADERS (raw headers)
#   TOKEN                      a token the tests put into jobs.ini ([api] token)
TOKEN=${TOKEN:-test-token-0123456789abcdef}

# lighttpd cannot report a port it chose itself (port 0 means 80 to it): take a free port from
# the kernel, release it, start lighttpd on it, and retry if another test took it meanwhile.
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_lighttpd() {
  mkdir -p "$WORK/www/cgi-bin"
  cp "$MJ" "$WORK/www/cgi-bin/mailjobs.cgi"
  chmod 755 "$WORK/www/cgi-bin/mailjobs.cgi"
  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    cat > "$WORK/lighttpd.conf" <<CONF
server.document-root = "$WORK/www"
server.bind = "127.0.0.1"
server.port = $port
server.modules = ("mod_cgi", "mod_setenv", "mod_accesslog")
server.errorlog = "$WORK/lighttpd-error.log"
accesslog.filename = "$WORK/lighttpd-access.log"
cgi.assign = (".cgi" => "")
CONF
    [ "${LIGHTTPD_SETENV:-1}" = 0 ] || echo "setenv.add-environment = (\"MAILJOBS_CONFIG\" => \"$WORK/jobs.ini\")" >> "$WORK/lighttpd.conf"
    lighttpd -D -f "$WORK/lighttpd.conf" 2>>"$WORK/lighttpd-stderr.log" &
    LIGHTTPD_PID=$!
    local i
    for i in $(seq 1 50); do
      if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        BASE="http://127.0.0.1:$port/cgi-bin/mailjobs.cgi"
        return 0
      fi
      kill -0 "$LIGHTTPD_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$LIGHTTPD_PID" 2>/dev/null || true
    wait "$LIGHTTPD_PID" 2>/dev/null || true
  done
  fail "lighttpd did not start: $(cat "$WORK/lighttpd-stderr.log" "$WORK/lighttpd-error.log" 2>/dev/null)"
}

call() {
  local method=$1 path=$2; shift 2
  STATUS=$(curl -sS -X "$method" -o "$WORK/.body" -D "$WORK/.headers" -w '%{http_code}' "$@" "$BASE$path")
  BODY=$(cat "$WORK/.body")
  HEADERS=$(tr -d '\r' < "$WORK/.headers")
}

# call with the right token
authed() { local m=$1 p=$2; shift 2; call "$m" "$p" -H "Authorization: Bearer $TOKEN" "$@"; }

# jq on the last body: j '.tables | length'
j() { jq -r "$@" <<<"$BODY"; }

# An [api] token in the test's jobs.ini.
enable_api() { printf '\n[api]\ntoken = %s\n' "$TOKEN" >> "$WORK/jobs.ini"; }
