# GET /exports/<token> through a real web server (lighttpd running the binary as CGI): the archive
# with its headers, byte for byte; HEAD counts no download, a GET one; past [export] max_downloads
# or expires_at: 410; an unknown or malformed token: 404; POST: 405. No bearer token needed, and
# the token never reaches mailjobs' log. A 100 MB archive streams to curl while the CGI process is
# held to 64 MB of address space, so it cannot have buffered the file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/account-export.bash"
. "$(dirname "$0")/../servers/lighttpd.sh"
init_db
export_config
sed -i 's|^\[export\]$|[export]\nmax_downloads = 2|' jobs.ini
add_account 1 5
NOW=$(date +%s)  # the CGI answers by the real clock
sql "UPDATE exports SET requested_at = $NOW - 60"
mj run account-export --now $NOW >/dev/null
E=$(sql "SELECT id FROM exports WHERE user_id = 1")
token=$(export_token $E)
f=$(export_file $E)
start_lighttpd

call HEAD "/exports/$token" -I
assert_eq "$STATUS" 200 "HEAD"
assert_eq "$(sql "SELECT downloads FROM exports WHERE id = $E")" 0 "HEAD counts no download"
call GET "/exports/$token"
assert_eq "$STATUS" 200 "GET"
assert_contains "$HEADERS" "Content-Type: application/zip" "type"
assert_contains "$HEADERS" "Content-Length: $(stat -c %s "$f")" "length"
assert_contains "$HEADERS" "Content-Disposition: attachment; filename=\"account-export-" "disposition"
assert_eq "$(sha256sum < "$WORK/.body")" "$(sha256sum < "$f")" "the bytes of the archive"
assert_eq "$(sql "SELECT downloads, last_download_at IS NOT NULL FROM exports WHERE id = $E")" "1|1" "one download counted"
call GET "/api/exports/$token"
assert_eq "$STATUS" 200 "second download (the /api prefix works too)"
call GET "/exports/$token"
assert_eq "$STATUS" 410 "past max_downloads"
assert_contains "$BODY" "expired or has been used up" "says why"
call POST "/exports/$token" -d x
assert_eq "$STATUS" 405 "POST"
call GET "/exports/${token%?}x"
assert_eq "$STATUS" 404 "unknown token"
call GET "/exports/not-a-token"
assert_eq "$STATUS" 404 "malformed token"
sql "UPDATE exports SET downloads = 0, expires_at = $NOW - 1 WHERE id = $E"
call GET "/exports/$token"
assert_eq "$STATUS" 410 "expired"
grep -q -- "$token" var/mailjobs.log && fail "token in mailjobs' log"
assert_contains "$(grep api_request var/mailjobs.log)" '"path":"/exports/…"' "the request log redacts the link"

# A large archive, streamed: 100 MB of random bytes as a ready export, the CGI under ulimit -v 64 MB.
# On SQLite only: the streaming is the CGI's own, and the PostgreSQL pass already looked tokens up
# above (its 150 MB first version took 57 s of each pass under make test's load).
[ "${MJ_TEST_BACKEND:-sqlite}" = sqlite ] || exit 0
big_token=BigToken0123456789abcdefghijklmnopqrstuvwxy
head -c 100000000 /dev/urandom > var/exports/big-a1.zip
sql "INSERT INTO users(id, email) VALUES(9, 'big@example.com');
     INSERT INTO exports(user_id, status, path, size_bytes, token_hash, completed_at, expires_at)
       VALUES(9, 'ready', 'big-a1.zip', 100000000, '$(printf %s "$big_token" | sha256sum | cut -d' ' -f1)', $NOW, $NOW + 86400)"
mv "$WORK/www/cgi-bin/mailjobs.cgi" "$WORK/mailjobs.real"
printf '#!/bin/sh\nulimit -v 65536\nexec %s\n' "$WORK/mailjobs.real" > "$WORK/www/cgi-bin/mailjobs.cgi"
chmod 755 "$WORK/www/cgi-bin/mailjobs.cgi"
call GET "/exports/$big_token"
assert_eq "$STATUS" 200 "large download"
assert_eq "$(stat -c %s "$WORK/.body")" 100000000 "all of it"
assert_eq "$(sha256sum < "$WORK/.body")" "$(sha256sum < var/exports/big-a1.zip)" "byte for byte"
# and the limit is real: a program that buffers 100 MB fails under it
printf '#!/bin/sh\nulimit -v 65536\nexec python3 -c "import sys; d=sys.stdin.buffer.read(); print(len(d))"\n' > limit.sh
if sh limit.sh < var/exports/big-a1.zip >/dev/null 2>&1; then fail "ulimit -v 64 MB did not stop a buffering reader"; fi
