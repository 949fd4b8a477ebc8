# The CGI API behind a real lighttpd: off (403) until a token is configured; 401 with
# WWW-Authenticate without a token or with a wrong one; 200 with the right one (from [api] token or
# token_file); the token never appears in mailjobs' log or the web server's logs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
init_db
start_lighttpd

# no token configured: the API is off, and says how to switch it on
call GET /cleanup/status -H "Authorization: Bearer $TOKEN"
assert_eq "$STATUS" 403 "API off"
assert_contains "$(j .error)" "the API is off"
assert_contains "$HEADERS" "Content-Type: application/json"

# a token too short to be safe keeps it off
printf '\n[api]\ntoken = short\n' >> jobs.ini
call GET /cleanup/status -H "Authorization: Bearer short"
assert_eq "$STATUS" 403 "short token"
assert_contains "$(j .error)" "at least 16 characters"
sed -i '/^token = short$/d' jobs.ini

printf 'token = %s\n' "$TOKEN" >> jobs.ini
call GET /cleanup/status
assert_eq "$STATUS" 401 "no Authorization header"
assert_contains "$HEADERS" 'WWW-Authenticate: Bearer realm="mailjobs"'
assert_contains "$(j .error)" "missing bearer token"

call GET /cleanup/status -H "Authorization: Bearer ${TOKEN}x"
assert_eq "$STATUS" 401 "wrong token"
assert_contains "$HEADERS" 'error="invalid_token"'
call GET /cleanup/status -H "Authorization: Basic $(printf 'u:%s' "$TOKEN" | base64)"
assert_eq "$STATUS" 401 "Basic auth is not a bearer token"
call GET /cleanup/status -H "Authorization: Bearer ${TOKEN:0:20}"
assert_eq "$STATUS" 401 "a prefix of the token"

call GET /cleanup/status -H "Authorization: Bearer $TOKEN"
assert_eq "$STATUS" 200 "right token"
assert_eq "$(j .isCleanupRunning)" false "body"
call GET /cleanup/status -H "Authorization: bearer $TOKEN"
assert_eq "$STATUS" 200 "scheme is case-insensitive"

# token_file (the secret outside jobs.ini) wins over token
mkdir -p secret && printf 'file-token-abcdefghijklmnop\n' > secret/api-token && chmod 600 secret/api-token
printf 'token_file = secret/api-token\n' >> jobs.ini
call GET /cleanup/status -H "Authorization: Bearer $TOKEN"
assert_eq "$STATUS" 401 "token from jobs.ini no longer accepted"
call GET /cleanup/status -H "Authorization: Bearer file-token-abcdefghijklmnop"
assert_eq "$STATUS" 200 "token from token_file"
# an unreadable token_file is the server's problem, said without the secret
rm secret/api-token
call GET /cleanup/status -H "Authorization: Bearer file-token-abcdefghijklmnop"
assert_eq "$STATUS" 500 "unreadable token_file"
assert_contains "$(j .error)" "token_file"

# every request was logged (method, path, status), never with a token
assert_ge "$(grep -c '"event":"api_request"' var/mailjobs.log)" 9 "logged requests"
grep -q '"status":401' var/mailjobs.log || fail "401 not logged"
for f in var/mailjobs.log "$WORK"/lighttpd-*.log; do
  ! grep -q -e "$TOKEN" -e "file-token-abcdefghijklmnop" -e "${TOKEN:0:20}" "$f" || fail "a token is in $f"
done
