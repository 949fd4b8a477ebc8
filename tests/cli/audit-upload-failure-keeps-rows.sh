# audit-log-cleanup with upload_url: every way an upload fails keeps every row and fails the run
# (exit 1) with the reason in one line: a read-only WebDAV folder (lighttpd mod_webdav, 403), a
# wrong password (401), a full quota (507), a connection dropped mid-upload, and a server that
# answers 201 but keeps fewer bytes (size mismatch, found by PROPFIND). A rerun against a working
# server then uploads the same file (no row archived twice) and purges; the server's copy equals
# the local archive.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/../servers/lighttpd.sh"
. "$(dirname "$0")/../servers/webdav.sh"
{ printf '[job.audit-log-cleanup]\narchive = true\nbatch_size = 500\n'; upload_ini; } >> jobs.ini
init_db
add_users 10
D=86400
day0=$(( (NOW - 400*D) / D * D ))
add_audit 3000 $((day0 + 5)) 20 0            # ~0.7 day of rows, all in day0: one file, > 512 bytes
total=$(sql "SELECT count(*) FROM audit_logs")
f=audit-$(date -u -d @$day0 +%F).jsonl.gz

# run_fails WHY: the run exits 1 with WHY in its one error line; every row is still there
run_fails() {
  expect_exit 1 mj run audit-log-cleanup --now $NOW --set "job.audit-log-cleanup.upload_url=${DAV_URL}archive/" ${EXTRA:-}
  assert_contains "$ERR$OUT" "$1" "reason"
  assert_contains "$ERR$OUT" "upload of $f failed, its rows are kept" "what happened"
  assert_eq "$(sql "SELECT count(*) FROM audit_logs")" "$total" "rows kept after: $1"
  assert_eq "$(sql "SELECT count(*) FROM archive_uploads")" 0 "no upload recorded after: $1"
  assert_eq "$(last_run audit-log-cleanup "outcome")" failed "history outcome"
  local err; err=$(last_run audit-log-cleanup "error")
  assert_contains "$err" "$1" "history error"
  [ "$(printf '%s' "$err" | wc -l)" -eq 0 ] || fail "error is more than one line: $err"
  # the local day file holds each row once, whatever the number of failed attempts
  assert_eq "$(zcat "var/audit-archive/$f" | wc -l)" "$total" "local file: every row once"
}

start_webdav readonly
run_fails "HTTP 403"
stop_webdav

start_webdav
DAV_PASSWORD=wrong upload_ini >/dev/null    # the password file now holds a wrong password
run_fails "HTTP 401"
upload_ini >/dev/null
stop_webdav

start_dav_faults 507
run_fails "HTTP 507"
stop_webdav

start_dav_faults drop
run_fails "PUT ${DAV_URL}archive/$f: "
grep -q '"status": 0' "$FAULT_LOG" || fail "the server did not drop the upload"
stop_webdav

start_dav_faults short
run_fails "size mismatch for ${DAV_URL}archive/$f: server has"
stop_webdav

# a working server: the same file goes up, verified, then the rows go
start_webdav
expect_exit 0 mj run audit-log-cleanup --now $NOW --set "job.audit-log-cleanup.upload_url=${DAV_URL}archive/" --json
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 0 "purged after the verified upload"
assert_eq "$(json_get "d[0]['counts'].get('audit_archive_rows', 0)")" 0 "no row archived again on the rerun"
cmp "var/audit-archive/$f" "$DAV_DIR/archive/$f" || fail "server copy differs from the local archive"
assert_eq "$(zcat "$DAV_DIR/archive/$f" | wc -l)" "$total" "every row on the server once"
assert_eq "$(archive_ids "$DAV_DIR/archive" | wc -l)" "$total" "distinct ids"
assert_eq "$(sql "SELECT size FROM archive_uploads WHERE file = '$f'")" "$(stat -c %s "var/audit-archive/$f")" "recorded size"
echo ok
