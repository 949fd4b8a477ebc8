# Where the CGI finds jobs.ini, and what a broken set-up answers: the two-line wrapper of
# share/cpanel/README.md (MAILJOBS_CONFIG set by the script, binary and config outside the web
# root); jobs.ini next to the script; a broken jobs.ini (500, details only in the server's error
# log); a database folder that is gone (503). Every answer is JSON.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
init_db
enable_api
LIGHTTPD_SETENV=0 start_lighttpd   # no MAILJOBS_CONFIG from the server, as under suEXEC
mkdir -p home/mailjobs && cp "$MJ" home/mailjobs/mailjobs && mv jobs.ini var home/mailjobs/
# the SQLite file moved with var/; a PostgreSQL URL stays as it is
[ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ] || sed -i "s|^database = .*|database = $WORK/home/mailjobs/var/mailjobs.db|" home/mailjobs/jobs.ini

# 1. the wrapper script
printf '#!/bin/sh\nexec env MAILJOBS_CONFIG=%s %s\n' "$WORK/home/mailjobs/jobs.ini" "$WORK/home/mailjobs/mailjobs" > www/cgi-bin/mailjobs.cgi
authed GET /cleanup/history
assert_eq "$STATUS" 200 "through the wrapper"
assert_eq "$(j '.runs | length')" 0 "history of the right database"
grep -q api_request home/mailjobs/var/mailjobs.log || fail "the request was not logged next to the wrapper's jobs.ini"

# 2. the binary itself in cgi-bin, jobs.ini next to it, no MAILJOBS_CONFIG
cp "$MJ" www/cgi-bin/mailjobs.cgi.new && mv www/cgi-bin/mailjobs.cgi.new www/cgi-bin/mailjobs.cgi
cp home/mailjobs/jobs.ini www/cgi-bin/jobs.ini
authed GET /cleanup/status
assert_eq "$STATUS" 200 "jobs.ini next to the script"
rm www/cgi-bin/jobs.ini
authed GET /cleanup/status -H "Authorization: Bearer $TOKEN"
assert_eq "$STATUS" 403 "no jobs.ini anywhere: built-in defaults, API off"

# 3. a broken jobs.ini: 500 with a pointer to the error log, the problem itself on stderr
# A new file renamed into place: the binary copied there may still be running (the last request's
# process exiting; slower under the sanitizers), and writing into it fails "Text file busy".
printf '#!/bin/sh\nexec env MAILJOBS_CONFIG=%s %s\n' "$WORK/home/mailjobs/jobs.ini" "$WORK/home/mailjobs/mailjobs" > www/cgi-bin/mailjobs.cgi.new
chmod 0755 www/cgi-bin/mailjobs.cgi.new && mv www/cgi-bin/mailjobs.cgi.new www/cgi-bin/mailjobs.cgi
printf '[general]\ntime_budget = 30x\n' >> home/mailjobs/jobs.ini
authed GET /cleanup/status
assert_eq "$STATUS" 500 "broken jobs.ini"
assert_contains "$(j .error)" "server configuration problem"
sed -i '/^time_budget = 30x$/d' home/mailjobs/jobs.ini

# 4. the database folder is gone: 503, JSON (on PostgreSQL: the database named is gone)
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then
  sed -i "s|^database = \(.*\)/$PG_DB?|database = \1/${PG_DB}_away?|" home/mailjobs/jobs.ini
else mv home/mailjobs/var home/mailjobs/var.away; fi
authed GET /cleanup/stats
assert_eq "$STATUS" 503 "database unusable"
assert_contains "$(j .error)" "does not exist"
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then sed -i "s|/${PG_DB}_away?|/$PG_DB?|" home/mailjobs/jobs.ini
else mv home/mailjobs/var.away home/mailjobs/var; fi
authed GET /cleanup/stats
assert_eq "$STATUS" 200 "back"
