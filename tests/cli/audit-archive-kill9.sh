# kill -9 at random points of an archiving audit-log-cleanup, several times: after every kill each
# original row is still in the table or complete in an archive file (rows may be in both: readers
# dedupe by id). A final run repairs any torn file end, finishes, and leaves every purged id in the
# archive exactly as zcat reads it, the kept rows in the table, files 0600 in a 0700 folder.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
cat >> jobs.ini <<'INI'
[job.audit-log-cleanup]
archive = true
batch_size = 200
INI
init_db
add_users 10
D=86400
add_audit 80000 $((NOW - 420*D)) 45 0        # ~42 days of rows, all older than 365 d
add_audit 2000 $((NOW - 100*D)) 60 0         # young: stay
sql "SELECT id FROM audit_logs ORDER BY id" > all_ids
kills=0
for i in 1 2 3 4 5 6; do
  before=$(sql "SELECT count(*) FROM audit_logs")
  "$MJ" run audit-log-cleanup --now $NOW >/dev/null 2>&1 &
  pid=$!
  # kill at a random point after the run has made progress (archive written and rows deleted),
  # so every kill lands mid-run however fast the machine is
  for _ in $(seq 1 500); do
    [ "$(sql "SELECT count(*) FROM audit_logs" 2>/dev/null || echo "$before")" -lt "$before" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.01
  done
  sleep "0.0$(( RANDOM % 5 ))"
  if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
  wait $pid 2>/dev/null || true
  { sql "SELECT id FROM audit_logs"; archive_ids; } | sort -n | uniq > seen
  cmp -s seen all_ids || fail "after kill $i: $(comm -23 all_ids seen | wc -l) rows in neither the table nor the archive"
done
[ "$kills" -ge 3 ] || fail "only $kills runs were still running when killed; make the table bigger"
run_until_done audit-log-cleanup --now $NOW
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 2000 "young rows kept, old ones gone"
for f in var/audit-archive/*; do gzip -t "$f" || fail "$f unreadable after the final run"; done
zcat var/audit-archive/*.jsonl.gz | /usr/bin/python3 -c "import json,sys; print('\n'.join(str(json.loads(l)['id']) for l in sys.stdin))" | sort -n | uniq > archived
assert_eq "$(wc -l < archived)" 80000 "every purged id is in the archive (zcat)"
{ sql "SELECT id FROM audit_logs"; cat archived; } | sort -n > union
cmp -s union all_ids || fail "table + archive differ from the original ids"
assert_eq "$(stat -c %a var/audit-archive)" 700 "folder mode"
assert_eq "$(stat -c %a var/audit-archive/* | sort -u)" 600 "file modes"
