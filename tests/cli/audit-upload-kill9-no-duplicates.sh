# kill -9 at random points of an audit-log-cleanup that uploads its day files to WebDAV (lighttpd
# mod_webdav), several times: after every kill each original row is still in the table or in a file
# on the server (a row leaves the table only once its file is verified there). A final run resumes
# the pending day, and at the end the local archive and the server's copy are equal, hold every
# purged id exactly once (upload mode cuts a half-appended batch off instead of writing it twice),
# and the young rows are still in the table.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/../servers/lighttpd.sh"
. "$(dirname "$0")/../servers/webdav.sh"
start_webdav
{ printf '[job.audit-log-cleanup]\narchive = true\nbatch_size = 100\n'; upload_ini; } >> jobs.ini
URL="--set job.audit-log-cleanup.upload_url=${DAV_URL}archive/"
init_db
add_users 10
D=86400
add_audit 40000 $((NOW - 420*D)) 90 0        # ~42 days of rows, all older than 365 d
add_audit 1000 $((NOW - 100*D)) 60 0         # young: stay
sql "SELECT id FROM audit_logs ORDER BY id" > all_ids
kills=0
for i in 1 2 3 4 5 6; do
  before=$(sql "SELECT count(*) FROM audit_logs")
  "$MJ" run audit-log-cleanup --now $NOW $URL >/dev/null 2>&1 &
  pid=$!
  # wait until this run has deleted something (a day uploaded and purging), then kill it a
  # random moment later: in the appends, an upload or the deletes of some later day
  for _ in $(seq 1 500); do
    [ "$(sql "SELECT count(*) FROM audit_logs" 2>/dev/null || echo "$before")" -lt "$before" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.01
  done
  sleep "0.$(( RANDOM % 3 ))$(( RANDOM % 10 ))"
  if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
  wait $pid 2>/dev/null || true
  { sql "SELECT id FROM audit_logs"; archive_ids "$DAV_DIR/archive"; } | sort -n | uniq > seen
  cmp -s seen all_ids || fail "after kill $i: $(comm -23 all_ids seen | wc -l) rows neither in the table nor on the server"
done
[ "$kills" -ge 3 ] || fail "only $kills runs were still running when killed; make the table bigger"
expect_exit 0 mj run audit-log-cleanup --now $NOW $URL
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 1000 "young rows kept, old ones gone"
assert_eq "$(sql "SELECT cursor FROM job_state WHERE job = 'audit-log-cleanup'")" "{}" "no day left pending"
for f in var/audit-archive/*; do
  gzip -t "$f" || fail "$f unreadable after the final run"
  cmp "$f" "$DAV_DIR/archive/$(basename "$f")" || fail "server copy of $f differs"
done
assert_eq "$(zcat "$DAV_DIR"/archive/*.jsonl.gz | wc -l)" 40000 "every purged row on the server, none twice"
assert_eq "$(archive_ids "$DAV_DIR/archive" | wc -l)" 40000 "distinct ids"
{ sql "SELECT id FROM audit_logs"; archive_ids "$DAV_DIR/archive"; } | sort -n > union
cmp -s union all_ids || fail "table + server archive differ from the original ids"
assert_eq "$(sql "SELECT count(*) FROM archive_uploads")" "$(ls var/audit-archive | wc -l)" "one archive_uploads row per file"
echo ok
