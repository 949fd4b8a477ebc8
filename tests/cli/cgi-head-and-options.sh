# Through lighttpd: HEAD works on every GET endpoint (monitors probe with HEAD) with the same
# status and headers as GET, Content-Length included, and no body; OPTIONS answers 204 with Allow
# listing the path's methods; a 405 carries Allow with all of them. A HEAD without the token is
# 401 without a body.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
NOW=$(date +%s)
init_db
enable_api
add_users 3
start_lighttpd
before=$(db_sha)
# head_req PATH [TOKEN]: a raw HTTP/1.0 HEAD (curl would not show bytes after the headers); sets
# STATUS, HEADERS and BODY_BYTES (what came after the blank line: must be 0)
head_req() {
  local out
  out=$(python3 - "$BASE$1" "${2:-}" <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=5)
auth = "Authorization: Bearer %s\r\n" % sys.argv[2] if sys.argv[2] else ""
s.sendall(("HEAD %s HTTP/1.0\r\nHost: %s\r\n%s\r\n" % (u.path + ("?" + u.query if u.query else ""), u.netloc, auth)).encode())
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk: break
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
lines = head.decode().split("\r\n")
print(lines[0].split()[1]); print(len(body)); print("\n".join(lines[1:]))
PY
)
  STATUS=$(sed -n 1p <<<"$out"); BODY_BYTES=$(sed -n 2p <<<"$out"); HEADERS=$(sed -n '3,$p' <<<"$out")
}
header() { grep -i "^$1:" <<<"$2" | head -1 | cut -d' ' -f2-; }
for p in /status /cleanup/stats?bytes=false /cleanup/preview /cleanup/history /cleanup/status /api/cleanup/status; do
  authed GET "$p"
  assert_eq "$STATUS" 200 "GET $p"
  get_headers=$HEADERS get_len=$(printf '%s\n' "$BODY" | wc -c)
  head_req "$p" "$TOKEN"
  assert_eq "$STATUS" 200 "HEAD $p"
  assert_eq "$BODY_BYTES" 0 "HEAD $p has no body"
  assert_eq "$(header Content-Type "$HEADERS")" "$(header Content-Type "$get_headers")" "HEAD $p Content-Type"
  assert_eq "$(header Cache-Control "$HEADERS")" no-store "HEAD $p Cache-Control"
  # /status and stats change between two requests (times, sizes); the others answer the same length
  case $p in /cleanup/history|/cleanup/status|/api/cleanup/status)
    assert_eq "$(header Content-Length "$HEADERS")" "$get_len" "HEAD $p Content-Length = GET body length" ;;
  esac
done
head_req /status
assert_eq "$STATUS" 401 "HEAD without a token"
assert_eq "$BODY_BYTES" 0 "HEAD 401 has no body"
assert_contains "$HEADERS" "WWW-Authenticate: Bearer" "HEAD 401 headers"
head_req /cleanup/nothing "$TOKEN"
assert_eq "$STATUS" 404 "HEAD on an unknown path"

authed OPTIONS /status
assert_eq "$STATUS" 204 "OPTIONS /status"
assert_eq "$(header Allow "$HEADERS")" "GET, HEAD, OPTIONS" "Allow of /status"
assert_eq "$BODY" "" "204 has no body"
authed OPTIONS /cleanup/execute
assert_eq "$STATUS" 204 "OPTIONS /cleanup/execute"
assert_eq "$(header Allow "$HEADERS")" "POST, OPTIONS" "Allow of execute"
authed OPTIONS /api/cleanup/history
assert_eq "$(header Allow "$HEADERS")" "GET, HEAD, OPTIONS" "Allow with the /api prefix"
authed OPTIONS /cleanup/nothing
assert_eq "$STATUS" 404 "OPTIONS on an unknown path"
call OPTIONS /status
assert_eq "$STATUS" 401 "OPTIONS needs the token like every request"

authed POST /status --data '{}'
assert_eq "$STATUS" 405 "POST /status"
assert_eq "$(header Allow "$HEADERS")" "GET, HEAD, OPTIONS" "405 Allow lists every method"
head_req /cleanup/execute "$TOKEN"
assert_eq "$STATUS" 405 "HEAD on execute (a POST endpoint)"
assert_eq "$(header Allow "$HEADERS")" "POST, OPTIONS" "405 Allow on execute"
authed DELETE /cleanup/history
assert_eq "$(header Allow "$HEADERS")" "GET, HEAD, OPTIONS" "405 Allow on history"
assert_eq "$(sql 'SELECT count(*) FROM job_runs')" 0 "no run recorded"
assert_eq "$(db_sha)" "$before" "database file unchanged"
