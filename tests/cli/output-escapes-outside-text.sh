# Text from outside reaches the operator escaped: a webhook receiver answers 503 with terminal
# escape codes (OSC title, clear screen, BEL) and bytes that are not UTF-8; the application's
# trigger fails a cleanup with the same bytes. Plain output (history --attempts, history, status,
# cleanup history, the log's text lines, the error line) shows them as \x1b etc. and never raw;
# every --json exits 0, parses, and has U+FFFD for the bad bytes; the CGI JSON through lighttpd too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
NOW=$(date +%s)   # the CGI reads the real clock
printf '[http]\nallow_private_addresses = true\n' >> jobs.ini
enable_api
start_http_server
# ESC ] 0 ; pwned BEL ESC [ 2 J, CR, a C1 CSI (U+009B), a right-to-left override, then 0xff 0xfe (not UTF-8)
evil_hex=$(printf '\033]0;pwned\007\033[2J\r\302\233\342\200\256 \377\376 end' | od -An -tx1 | tr -d ' \n')
http_rules "{\"/hook\": {\"status\": 503, \"body_hex\": \"$evil_hex\"}}"
init_db
add_users 1
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, '$HTTP_URL/hook', 'k');
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
     VALUES (1, 1, 1, '$HTTP_URL/hook', 'h', '{}', 'pending', $NOW, $NOW);"
# the application's own trigger refuses a cleanup with a message in the same bytes (stored text;
# PostgreSQL's text holds only UTF-8, so there the message's last byte is a C1 CSI instead of 0xff)
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then bad=$'\302\233' bad_shown='\u009b' bad_json=$'\302\233'
else bad=$'\377' bad_shown='\xff' bad_json=$'\357\277\275'; fi
sql "INSERT INTO magic_links(user_id, token_hash, created_at, expires_at) VALUES (1, 'a', $NOW - 9000, $NOW - 2*86400)"
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then  # PostgreSQL's triggers are plpgsql functions
  sql "CREATE FUNCTION app_freeze() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION '$(printf 'frozen \033[2J ')$bad'; END \$\$;
       CREATE TRIGGER app_freeze BEFORE DELETE ON magic_links FOR EACH ROW EXECUTE FUNCTION app_freeze();"
else
  sql "CREATE TRIGGER app_freeze BEFORE DELETE ON magic_links BEGIN SELECT RAISE(ABORT, '$(printf 'frozen \033[2J ')$bad'); END;"
fi
expect_exit 0 mj run webhook-retry --now $NOW
assert_eq "$(http_count /hook)" 1 "the receiver was called"
raw_esc() { grep -c $'\x1b' <<<"$1" || true; }
# raw_any TEXT: how many characters a terminal would act on (controls but newline, DEL, C1, bidi
# overrides) or bytes that are not UTF-8; 0 for safe output
raw_any() {
  python3 -c '
import sys
try:
    t = sys.stdin.buffer.read().decode("utf-8")
except UnicodeDecodeError:
    sys.exit(print("invalid UTF-8"))
print(sum(1 for c in t if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069))' <<<"$1"
}
# the stored answer is the receiver's bytes (one_line() already turns its CR into a space)
[ "$(sql "SELECT instr(error, char(27)) > 0 FROM job_attempts WHERE item_id = 1")" = 1 ] || fail "stored error lost its bytes"

expect_exit 0 mj history webhook-retry --attempts
assert_eq "$(raw_esc "$OUT")" 0 "history --attempts: no raw ESC"
assert_eq "$(raw_any "$OUT")" 0 "history --attempts: no raw control, C1, bidi or invalid byte"
# (PostgreSQL's text holds only UTF-8: there the two bytes were stored as U+FFFD each, not refused)
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then reply_tail=$'\357\277\275\357\277\275 end'; else reply_tail='\xff\xfe end'; fi
assert_contains "$OUT" "HTTP 503: \\x1b]0;pwned\\x07\\x1b[2J \\u009b\\u202e $reply_tail" "escapes shown visibly"
expect_exit 0 mj history webhook-retry --attempts --json
python3 -c '
import json, sys
rows = json.loads(sys.stdin.buffer.read().decode("utf-8"))
e = rows[0]["error"]
assert e.startswith("HTTP 503: \x1b]0;pwned\x07\x1b[2J"), e
assert "\ufffd\ufffd end" in e, e' <<<"$OUT" || fail "history --attempts --json does not parse or lost the text"
assert_eq "$(raw_any "$OUT")" 0 "--json: no raw control bytes either"

expect_exit 1 mj run magic-link-expiry --log-format text --set general.log_file=-
assert_eq "$(raw_any "$OUT$ERR")" 0 "run output, log text lines and error line"
assert_contains "$ERR" "frozen \\x1b[2J $bad_shown" "the error line shows the bytes"
for cmd in "history" "history --json" "status" "status --json" "cleanup history" "cleanup history --json" "list" "list --json"; do
  expect_exit 0 mj $cmd
  assert_eq "$(raw_any "$OUT")" 0 "mailjobs $cmd: no raw control bytes"
  case $cmd in *--json) python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$OUT" || fail "mailjobs $cmd: not JSON" ;; esac
done
expect_exit 0 mj history --json
assert_contains "$(jq -r '.[] | select(.job == "magic-link-expiry") | .error' <<<"$OUT")" "$(printf 'frozen \033[2J ')$bad_json" "history --json error (ESC as JSON escape, 0xff as U+FFFD)"
expect_exit 0 mj cleanup history
assert_contains "$OUT" "frozen \\x1b[2J $bad_shown" "cleanup history shows the error escaped"
# the JSON log file holds the answer, valid JSON on every line, no raw control byte
python3 -c '
import json, sys
for line in open("var/mailjobs.log", "rb"):
    json.loads(line.decode("utf-8"))' || fail "log line not JSON"

# the CGI's JSON answers
start_lighttpd
authed GET /cleanup/history
assert_eq "$STATUS" 200 "/cleanup/history"
assert_eq "$(raw_any "$BODY")" 0 "CGI JSON: no raw control bytes"
assert_contains "$(j -c '[.runs[] | select(.job == "magic-link-expiry") | .error]')" "frozen \\u001b[2J" "CGI error text"
