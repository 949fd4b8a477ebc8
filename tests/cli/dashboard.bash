# Helpers of the dashboard tests (tests/cli/dashboard-*.sh). Source after lib.sh and
# servers/lighttpd.sh; start_lighttpd first.
#
#   sign_in            POSTs the token to /signin; sets COOKIE ("mailjobs_session=...")
#   page PATH [args]   GET with the session cookie (call's STATUS, BODY, HEADERS)
#   csrf_of            the CSRF token in the last page's forms
#   post_action PATH [csrf]  POST PATH with the cookie and (if given) csrf=...
sign_in() {
  call POST /signin --data-urlencode "token=$TOKEN"
  [ "$STATUS" = 303 ] || fail "sign-in: expected 303, got $STATUS: $BODY"
  COOKIE=$(grep -i '^Set-Cookie: mailjobs_session=' <<<"$HEADERS" | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*);.*/\1/')
  [ -n "$COOKIE" ] || fail "sign-in set no cookie: $HEADERS"
}
page() { local p=$1; shift; call GET "$p" -H "Cookie: $COOKIE" "$@"; }
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' <<<"$BODY" | head -1 | sed -E 's/.*value="([0-9a-f]*)"/\1/'; }
post_action() {
  local p=$1 csrf=${2:-}
  if [ -n "$csrf" ]; then call POST "$p" -H "Cookie: $COOKIE" --data-urlencode "csrf=$csrf"
  else call POST "$p" -H "Cookie: $COOKIE" --data ''; fi
}
# The CGI process may still be closing the database (its last connection checkpoints the WAL)
# when curl already has the answer: wait for the lock instead of failing on SQLITE_BUSY.
# (PostgreSQL: lib.sh's sql() as it is.)
[ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ] || sql() { sqlite3 -batch -noheader -cmd ".timeout 5000" var/mailjobs.db "$@"; }
