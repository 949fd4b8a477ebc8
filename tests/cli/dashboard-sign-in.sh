# The dashboard's sign-in behind a real lighttpd: without a session or bearer token every page is
# the sign-in form (401); a wrong token is refused; the right one sets an HttpOnly, Secure,
# SameSite=Strict cookie scoped to the script with a Max-Age, that opens the pages; a tampered or
# expired cookie does not; the bearer token opens pages too; the session secret is created 0600
# beside the database; no token, cookie or secret reaches a log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
. "$(dirname "$0")/dashboard.bash"
init_db
enable_api
# the session secret: DATABASE.dashboard-secret; on PostgreSQL (no file) beside jobs.ini
secret_file=var/mailjobs.db.dashboard-secret
[ "${MJ_TEST_BACKEND:-sqlite}" != postgresql ] || secret_file=mailjobs.dashboard-secret
start_lighttpd

call GET /
assert_eq "$STATUS" 401 "no session"
assert_contains "$HEADERS" "Content-Type: text/html; charset=utf-8"
assert_contains "$HEADERS" "Content-Security-Policy: default-src 'none'; style-src 'sha256-"
assert_contains "$BODY" 'action="/cgi-bin/mailjobs.cgi/signin"'
call GET /jobs/vacuum
assert_eq "$STATUS" 401 "a job page without a session"

[ ! -e "$secret_file" ] || fail "a visitor without a cookie created the session secret"
call GET /signin
assert_eq "$STATUS" 200 "sign-in form"
assert_contains "$BODY" 'type="password"'

call POST /signin --data-urlencode "token=${TOKEN}x"
assert_eq "$STATUS" 401 "wrong token"
assert_contains "$BODY" "Wrong token."
! grep -qi '^Set-Cookie' <<<"$HEADERS" || fail "a wrong token set a cookie"

sign_in
setc=$(grep -i '^Set-Cookie:' <<<"$HEADERS")
for attr in "HttpOnly" "Secure" "SameSite=Strict" "Path=/cgi-bin/mailjobs.cgi" "Max-Age=43200"; do
  assert_contains "$setc" "$attr" "Set-Cookie"
done
assert_contains "$HEADERS" "Location: http://127.0.0.1:"
page /
assert_eq "$STATUS" 200 "overview with the cookie"
assert_contains "$BODY" "<h1>Overview</h1>"
assert_contains "$BODY" "Sign out"

# the secret: beside the database, 0600
assert_eq "$(stat -c %a "$secret_file")" 600 "secret file mode"

# a tampered cookie (last MAC digit changed) and a forged expiry are refused
last=${COOKIE: -1}; [ "$last" = 0 ] && other=1 || other=0
call GET / -H "Cookie: ${COOKIE%?}$other"
assert_eq "$STATUS" 401 "tampered MAC"
value=${COOKIE#mailjobs_session=}
call GET / -H "Cookie: mailjobs_session=9999999999.${value#*.}"
assert_eq "$STATUS" 401 "forged expiry"
# a new secret signs every browser out
mv "$secret_file" var/old-secret
page /
assert_eq "$STATUS" 401 "cookie of the old secret"
assert_contains "$BODY" "session expired"
mv var/old-secret "$secret_file"
page /
assert_eq "$STATUS" 200 "old secret back"

# an expired session: lifetime 60s, cookie made with an expiry in the past is refused
printf '\n[dashboard]\nsession_lifetime = 60s\n' >> jobs.ini
sign_in
assert_contains "$HEADERS" "Max-Age=60"

# the bearer token opens pages too (scripts, monitors); a wrong one is 401
authed GET /runs
assert_eq "$STATUS" 200 "bearer token"
assert_contains "$BODY" "<h1>Recent runs</h1>"
call GET /runs -H "Authorization: Bearer ${TOKEN}x"
assert_eq "$STATUS" 401 "wrong bearer token"
# the JSON API keeps its bearer token: a cookie does not open it
call GET /status -H "Cookie: $COOKIE"
assert_eq "$STATUS" 401 "the API ignores the cookie"

# sign-out clears the cookie
page /
csrf=$(csrf_of)
post_action /signout "$csrf"
assert_eq "$STATUS" 303 "sign out"
assert_contains "$HEADERS" "mailjobs_session=; Path=/cgi-bin/mailjobs.cgi; Max-Age=0"

# no token, cookie or secret in any log
secret=$(cat "$secret_file")
for f in var/mailjobs.log "$WORK"/lighttpd-*.log; do
  ! grep -q -e "$TOKEN" -e "${value%%.*}.${value#*.}" -e "$secret" "$f" || fail "a secret is in $f"
done
grep -q '"path":"/signin"' var/mailjobs.log || fail "sign-in requests not logged"

# dashboard off: 404
printf 'enabled = false\n' >> jobs.ini
authed GET /
assert_eq "$STATUS" 404 "dashboard off"
