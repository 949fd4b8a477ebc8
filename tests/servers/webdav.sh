# A real WebDAV server for the upload tests: Debian's lighttpd with mod_webdav (package
# lighttpd-mod-webdav) on 127.0.0.1, basic auth (mod_auth, mod_authn_file), the way cPanel's Web
# Disk serves a folder. Source it after tests/cli/lib.sh and tests/servers/lighttpd.sh (free_port);
# the test's EXIT trap (lib.sh) stops the servers with its other background jobs.
#
#   start_webdav [readonly]   serves DAV_DIR=$WORK/dav-root/dav at DAV_URL=http://127.0.0.1:PORT/dav/
#                             (no folder below it: the uploader's MKCOL makes one); user DAV_USER,
#                             password DAV_PASSWORD. readonly: every write answers 403.
#   start_dav_faults MODE     tests/servers/webdav_faults.py (507, drop, short, ...) at
#                             DAV_URL=http://127.0.0.1:PORT/dav/; FAULT_LOG has one line per request
#   stop_webdav               stops the server started last
DAV_USER=${DAV_USER:-archive@example.com}
DAV_PASSWORD=${DAV_PASSWORD:-dav-secret-1}

start_webdav() {
  local readonly=${1:-}
  DAV_DIR="$WORK/dav-root/dav"
  mkdir -p "$DAV_DIR"
  printf '%s:%s\n' "$DAV_USER" "$DAV_PASSWORD" > "$WORK/dav-users"
  local attempt port i
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    cat > "$WORK/webdav.conf" <<CONF
server.document-root = "$WORK/dav-root"
server.bind = "127.0.0.1"
server.port = $port
server.modules = ("mod_auth", "mod_authn_file", "mod_webdav", "mod_accesslog")
server.errorlog = "$WORK/webdav-error.log"
accesslog.filename = "$WORK/webdav-access.log"
auth.backend = "plain"
auth.backend.plain.userfile = "$WORK/dav-users"
auth.require = ("/dav/" => ("method" => "basic", "realm" => "Web Disk", "require" => "valid-user"))
\$HTTP["url"] =~ "^/dav(\$|/)" {
  webdav.activate = "enable"
  webdav.is-readonly = "$([ "$readonly" = readonly ] && echo enable || echo disable)"
  webdav.sqlite-db-name = "$WORK/webdav-props.db"
}
CONF
    lighttpd -D -f "$WORK/webdav.conf" 2>>"$WORK/webdav-stderr.log" &
    DAV_PID=$!
    for i in $(seq 1 50); do
      if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        DAV_URL="http://127.0.0.1:$port/dav/"
        return 0
      fi
      kill -0 "$DAV_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$DAV_PID" 2>/dev/null || true
    wait "$DAV_PID" 2>/dev/null || true
  done
  fail "lighttpd (webdav) did not start: $(cat "$WORK/webdav-stderr.log" "$WORK/webdav-error.log" 2>/dev/null)"
}

start_dav_faults() {
  rm -f "$WORK/dav-faults.port"
  FAULT_LOG="$WORK/dav-faults.log"
  /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/webdav_faults.py" --mode "$1" \
    --port-file "$WORK/dav-faults.port" --log "$FAULT_LOG" --root "$WORK/dav-faults" &
  DAV_PID=$!
  local i
  for i in $(seq 1 100); do
    [ -s "$WORK/dav-faults.port" ] && break
    kill -0 "$DAV_PID" 2>/dev/null || fail "webdav_faults.py did not start"
    sleep 0.05
  done
  [ -s "$WORK/dav-faults.port" ] || fail "webdav_faults.py did not start"
  DAV_URL="http://127.0.0.1:$(cat "$WORK/dav-faults.port")/dav/"
}

stop_webdav() {
  kill "$DAV_PID" 2>/dev/null || true
  wait "$DAV_PID" 2>/dev/null || true
}

# The jobs.ini lines with the WebDAV account (the URL changes with the server: tests pass
# --set job.audit-log-cleanup.upload_url=${DAV_URL}archive/).
upload_ini() {
  printf '%s\n' "$DAV_PASSWORD" > "$WORK/dav-password" && chmod 600 "$WORK/dav-password"
  cat <<INI
upload_username = $DAV_USER
upload_password_file = $WORK/dav-password
upload_timeout = 20s
INI
}
