# audit-log-cleanup with archive = true: before rows are deleted they are written to one gzip JSON
# Lines file per UTC day of created_at (audit-YYYY-MM-DD.jsonl.gz), files 0600 in a 0700 folder
# (even with umask 000 and a folder that existed as 0755), each line the row's columns; a later
# run appends a second gzip member to a day file and zcat reads both. Dry-run writes no file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
cat >> jobs.ini <<'INI'
[job.audit-log-cleanup]
archive = true
INI
init_db
add_users 10
D=86400
day0=$(( (NOW - 400*D) / D * D ))             # a UTC midnight ~400 d ago
sql "INSERT INTO audit_logs(id, user_id, actor, action, target, critical, details, ip, created_at) VALUES
  (1, 3, 'user:u3', 'session.login', 'user:u3', 0, '{\"agent\":\"Mozilla/5.0\",\"n\":1}', '192.0.2.1', $day0 + 10),
  (2, NULL, 'job:alias-expiry', 'alias.expired', 'alias:abc', 0, 'not json', NULL, $day0 + 86399),
  (3, 4, 'user:u4', 'session.login', NULL, 0, '{}', NULL, $day0 + 86400),
  (4, 4, 'user:u4', 'session.login', NULL, 0, '{}', NULL, $day0 + 2*86400 + 5)"
add_audit 2500 $((day0 + 3*D)) 100 0         # three more days
mkdir -p var/audit-archive && chmod 0755 var/audit-archive
expect_exit 0 mj run audit-log-cleanup --dry-run --now $NOW
assert_eq "$(ls var/audit-archive | wc -l)" 0 "dry-run wrote no archive file"
(umask 000; "$MJ" run audit-log-cleanup --now $((day0 + 365*D + 2*D)) --set job.audit-log-cleanup.batch_size=700 >/dev/null) || fail "first run"
f0=var/audit-archive/audit-$(date -u -d @$day0 +%F).jsonl.gz
f1=var/audit-archive/audit-$(date -u -d @$((day0 + D)) +%F).jsonl.gz
assert_eq "$(ls var/audit-archive)" "$(basename "$f0")
$(basename "$f1")" "one file per day of the rows purged so far (rows of days 0 and 1)"
assert_eq "$(stat -c %a var/audit-archive)" 700 "folder mode"
assert_eq "$(stat -c %a "$f0") $(stat -c %a "$f1")" "600 600" "file modes"
assert_eq "$(zcat "$f0")" '{"id":1,"user_id":3,"actor":"user:u3","action":"session.login","target":"user:u3","critical":0,"details":{"agent":"Mozilla/5.0","n":1},"ip":"192.0.2.1","created_at":'$((day0 + 10))'}
{"id":2,"user_id":null,"actor":"job:alias-expiry","action":"alias.expired","target":"alias:abc","critical":0,"details":"not json","ip":null,"created_at":'$((day0 + 86399))'}' "lines of day 0"
assert_eq "$(sql "SELECT group_concat(id) FROM (SELECT id FROM audit_logs WHERE id <= 4 ORDER BY id) AS q0")" "4" "rows 1-3 deleted after archiving"
# the rest, in batches of 700: day files get several members; day 1's file gets a second one
sql "INSERT INTO audit_logs(id, actor, action, critical, created_at) VALUES (9000000, 'user:late', 'session.login', 0, $day0 + $D + 7)"
expect_exit 0 mj run audit-log-cleanup --now $NOW --set job.audit-log-cleanup.batch_size=700
assert_eq "$(sql "SELECT count(*) FROM audit_logs")" 0 "all deleted"
assert_eq "$(zcat var/audit-archive/*.jsonl.gz | wc -l)" 2505 "every row archived once"
assert_eq "$(archive_ids | wc -l)" 2505 "distinct ids"
assert_eq "$(zcat "$f1" | /usr/bin/python3 -c "import json,sys; print(','.join(str(json.loads(l)['id']) for l in sys.stdin))")" "3,9000000" "day 1: two members, read as one stream"
for f in var/audit-archive/*; do
  gzip -t "$f" || fail "$f is not valid gzip"
  assert_eq "$(stat -c %a "$f")" 600 "mode of $f"
  d=$(basename "$f" .jsonl.gz); d=${d#audit-}
  zcat "$f" | /usr/bin/python3 -c "
import json, sys, datetime
for l in sys.stdin:
    r = json.loads(l)
    assert list(r) == ['id','user_id','actor','action','target','critical','details','ip','created_at'], r
    assert datetime.datetime.utcfromtimestamp(r['created_at']).strftime('%Y-%m-%d') == '$d', (r, '$d')
" || fail "bad line in $f"
done
assert_eq "$(ls var/audit-archive | wc -l)" 6 "six days of rows, six files"
