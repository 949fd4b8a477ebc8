# Failed sign-ins are rate-limited per 15-minute window, persisted in the database: after
# [dashboard] sign_in_limit failures the form answers 429 with Retry-After, even for the right
# token; a bearer-token request and an existing session still work.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
. "$(dirname "$0")/dashboard.bash"
init_db
enable_api
printf '\n[dashboard]\nsign_in_limit = 3\n' >> jobs.ini
start_lighttpd
sign_in
for i in 1 2 3; do
  call POST /signin --data-urlencode "token=wrong-$i"
  assert_eq "$STATUS" 401 "failure $i"
done
assert_eq "$(sql "SELECT sum(failures) FROM dashboard_sign_in_failures")" 3 "failures counted"
call POST /signin --data-urlencode "token=$TOKEN"
assert_eq "$STATUS" 429 "the right token past the limit"
assert_contains "$HEADERS" "Retry-After: "
assert_contains "$BODY" "Too many failed sign-ins"
! grep -qi '^Set-Cookie' <<<"$HEADERS" || fail "a limited sign-in set a cookie"
page /
assert_eq "$STATUS" 200 "an existing session still works"
authed GET /
assert_eq "$STATUS" 200 "the bearer token still works"
# the next window starts afresh
sql "UPDATE dashboard_sign_in_failures SET window_start = window_start - 900"
call POST /signin --data-urlencode "token=$TOKEN"
assert_eq "$STATUS" 303 "next window"
