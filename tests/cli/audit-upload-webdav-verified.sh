# audit-log-cleanup with archive = true and upload_url: against a real WebDAV server (lighttpd
# mod_webdav, basic auth) each whole UTC day past the cutoff is archived, PUT into a folder the job
# creates (MKCOL), verified, and only then its rows are deleted; the server's files equal the local
# archive byte for byte and hold every purged row once; rows of the day the cutoff falls in wait for
# the next day; archive_uploads records each file with its size; dry-run counts the same rows and
# uploads nothing; a rerun uploads nothing and changes nothing; critical rows keep their retention.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/../servers/lighttpd.sh"
. "$(dirname "$0")/../servers/webdav.sh"
start_webdav
{ printf '[job.audit-log-cleanup]\narchive = true\nbatch_size = 300\n'; upload_ini; } >> jobs.ini
URL="--set job.audit-log-cleanup.upload_url=${DAV_URL}archive/"
init_db
add_users 10
D=86400
cut=$((NOW - 365*D))                         # the ordinary cutoff
cut_day=$((cut / D * D))                     # the UTC midnight before it: its day waits
add_audit 2000 $((cut_day - 4*D)) 170 0      # ~3.9 days before the cutoff's day: go
add_audit 50 $((cut_day + 10)) 60 0          # the cutoff's day, before the cutoff: wait one day
add_audit 20 $((cut + D + 100)) 60 0         # a day younger than the cutoff: stay
add_audit 30 $((cut_day - 3*D)) 600 1        # critical, 1 y old: stay 7 y
total=$(sql "SELECT count(*) FROM audit_logs")
due=$(sql "SELECT count(*) FROM audit_logs WHERE critical = 0 AND created_at < $cut_day")
assert_eq "$due" 2000 "rows of whole days past the cutoff"

expect_exit 0 mj run audit-log-cleanup --now $NOW $URL --dry-run --json
assert_eq "$(json_get "d[0]['counts']['audit_logs']")" "$due" "dry-run counts the whole days only"
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" "$total" "dry-run deleted nothing"
[ ! -e "$DAV_DIR/archive" ] || fail "dry-run created the remote folder"
[ ! -e var/audit-archive ] || fail "dry-run wrote an archive"

expect_exit 0 mj run audit-log-cleanup --now $NOW $URL --json
assert_eq "$(json_get "d[0]['counts']['audit_logs']")" "$due" "deleted as the dry-run counted"
assert_eq "$(json_get "d[0]['counts']['archive_uploads']")" 4 "four day files uploaded"
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" $((total - due)) "rows left"
assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE critical = 0 AND created_at < $cut_day")" 0 "whole days purged"
assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE created_at >= $cut_day AND created_at < $cut")" 50 "the cutoff's day waits"
assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE critical = 1")" 30 "critical rows kept"
[ -d "$DAV_DIR/archive" ] || fail "the job did not create the remote folder (MKCOL)"
assert_eq "$(ls "$DAV_DIR/archive")" "$(ls var/audit-archive)" "same files on the server as in the local archive"
for f in var/audit-archive/*; do
  cmp "$f" "$DAV_DIR/archive/$(basename "$f")" || fail "server copy of $f differs"
  assert_eq "$(sql "SELECT size FROM archive_uploads WHERE job = 'audit-log-cleanup' AND file = '$(basename "$f")'")" \
    "$(stat -c %s "$f")" "archive_uploads size of $f"
done
assert_eq "$(sql "SELECT count(*) FROM archive_uploads WHERE remote_url LIKE '${DAV_URL}archive/audit-%.jsonl.gz'")" 4 "remote URLs recorded"
assert_eq "$(archive_ids "$DAV_DIR/archive" | wc -l)" 2000 "the server holds every purged row"
assert_eq "$(zcat "$DAV_DIR"/archive/*.jsonl.gz | wc -l)" 2000 "... each once"
assert_eq "$(sql "SELECT cursor FROM job_state WHERE job = 'audit-log-cleanup'")" "{}" "no day left pending"
stamps() { stat -c '%n %y' "$DAV_DIR"/archive/*; }
first=$(stamps)

# rerun: nothing to upload, nothing deleted
expect_exit 0 mj run audit-log-cleanup --now $NOW $URL --json
assert_eq "$(json_get "d[0]['changed']")" 0 "rerun changes nothing"
assert_eq "$(json_get "d[0]['counts'].get('archive_uploads', 0)")" 0 "rerun uploads nothing"
assert_eq "$(stamps)" "$first" "the server's files untouched by the rerun"

# a day later the waiting day is whole: uploaded and purged; the younger rows still stay
expect_exit 0 mj run audit-log-cleanup --now $((NOW + D)) $URL --json
assert_eq "$(json_get "d[0]['counts']['audit_logs']")" 50 "the waiting day"
assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE critical = 0")" 20 "the young rows stay"
f=audit-$(date -u -d @$cut_day +%F).jsonl.gz
cmp "var/audit-archive/$f" "$DAV_DIR/archive/$f" || fail "server copy of $f differs"
assert_eq "$(zcat "$DAV_DIR/archive/$f" | wc -l)" 50 "the waiting day's rows on the server"

# critical rows 7 y later: appended to the day files that hold the ordinary rows, uploaded again
expect_exit 0 mj run audit-log-cleanup --now $((NOW + 2555*D)) $URL --json
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 0 "all gone after 7 y"
for f in var/audit-archive/*; do cmp "$f" "$DAV_DIR/archive/$(basename "$f")" || fail "server copy of $f differs after the critical pass"; done
assert_eq "$(zcat "$DAV_DIR"/archive/*.jsonl.gz | wc -l)" $((total)) "every row on the server once"
assert_eq "$(archive_ids "$DAV_DIR/archive" | wc -l)" "$total" "distinct ids"

# the server's access log (complete once it stopped): one MKCOL after the first PUT's 409, every
# successful PUT verified by a PROPFIND, no request without the password
stop_webdav
log=$WORK/webdav-access.log
assert_eq "$(grep -c '"MKCOL /dav/archive/ HTTP/1.1" 201 ' "$log")" 1 "the folder made once"
assert_eq "$(grep -c '"PUT /dav/archive/[^"]*" 409 ' "$log")" 1 "one PUT found the folder missing"
ok_puts=$(grep -c '"PUT /dav/archive/[^"]*" 20[14] ' "$log")
assert_eq "$(grep -c '"PROPFIND /dav/archive/[^"]*" 207 ' "$log")" "$ok_puts" "each upload verified"
assert_eq "$ok_puts" "$(sql "SELECT sum(n) FROM (SELECT json_extract(counts, '$.archive_uploads') AS n FROM job_runs WHERE job = 'audit-log-cleanup') AS q0")" "PUTs = uploads in history"
grep -q '" 401 ' "$log" && fail "a request went without the password"
echo ok
