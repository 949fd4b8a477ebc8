# [api] token_file: the token is the file's first non-blank line without surrounding whitespace
# (leading spaces, blank lines, CRLF), so the right token works; a wrong one is still refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
init_db
start_lighttpd
printf '\n  \n \t%s  \r\n\n' "$TOKEN" > token.txt
printf '\n[api]\ntoken_file = token.txt\n' >> jobs.ini
call GET /cleanup/status -H "Authorization: Bearer $TOKEN"
assert_eq "$STATUS" 200 "right token from a file with whitespace around it"
call GET /cleanup/status -H "Authorization: Bearer ${TOKEN}x"
assert_eq "$STATUS" 401 "wrong token"
# a file with no token in it is a server-side problem (500), not "API off"
printf '\n \n' > token.txt
call GET /cleanup/status -H "Authorization: Bearer $TOKEN"
assert_eq "$STATUS" 500 "blank token file"
