# audit-log-cleanup's upload keys: `mailjobs config` never prints the WebDAV password (nor a URL's
# path); upload_url without archive = true, and an unreadable upload_password_file, fail the run
# with one line and delete nothing; a URL that is not http(s) is refused at load (exit 2).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
cat >> jobs.ini <<'INI'
[job.audit-log-cleanup]
upload_url = https://webdisk.example.com:2078/audit-archive/
upload_username = archive@example.com
upload_password = s3cret-dav-pw
INI
init_db
add_users 10
add_audit 100 $((NOW - 400*86400)) 60 0
expect_exit 0 mj config
assert_contains "$OUT" "upload_password = (set, hidden)" "config output"
grep -q 's3cret-dav-pw' <<<"$OUT$ERR" && fail "config printed the password"
assert_contains "$OUT" "upload_url = https://webdisk.example.com:2078/***" "config output"
expect_exit 1 mj run audit-log-cleanup --now $NOW
assert_contains "$ERR$OUT" "upload_url is set but archive = false" "reason"
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 100 "nothing deleted"
expect_exit 1 mj run audit-log-cleanup --now $NOW --set job.audit-log-cleanup.archive=true \
  --set job.audit-log-cleanup.upload_password_file=/nonexistent/pw
assert_contains "$ERR$OUT" "upload_password_file: cannot read /nonexistent/pw" "reason"
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 100 "nothing deleted"
[ ! -e var/audit-archive ] || [ -z "$(ls var/audit-archive)" ] || fail "archive written although the target is unusable"
expect_exit 2 mj run audit-log-cleanup --now $NOW --set job.audit-log-cleanup.upload_url=ftp://example.com/x/
assert_contains "$ERR" "expected an http:// or https:// URL" "load error"
echo ok
