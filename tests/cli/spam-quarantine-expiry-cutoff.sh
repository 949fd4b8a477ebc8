# spam-quarantine-expiry (BJ-05) deletes quarantined spam 30 d after quarantined_at, no warning: a
# row exactly at the cutoff stays; spool files of deleted rows go, others stay; dry-run counts the
# same rows; a rerun deletes 0; no notice is queued.
. "$(dirname "$0")/lib.sh"
init_db
add_users 3
cut=$((NOW - 30*86400))
# sq QUARANTINED_AT N [SPOOL_PREFIX]
sq() {
  local raw="randomblob(300)" spool=NULL
  if [ -n "${3:-}" ]; then raw=NULL; spool="'$3-' || i || '.eml'"; fi
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $2)
       INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, subject, raw_message, spool_path, size_bytes, score, quarantined_at)
       SELECT 1 + i % 3, 'spam@example.biz', 'u@example.org', 'win', $raw, $spool, 300, 9.5, $1 FROM c"
}
mkdir -p var/spool
for i in 1 2 3; do echo "old $i" > "var/spool/old-$i.eml"; echo "new $i" > "var/spool/new-$i.eml"; done
sq $((cut - 1)) 400
sq $((cut - 20*86400)) 250
sq $((cut - 3600)) 3 old
sq $cut 9                   # exactly at the cutoff: stays
sq $((cut + 1)) 2
sq $((NOW - 3600)) 3 new
expect_exit 0 mj run spam-quarantine-expiry --dry-run --now $NOW --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[0]['counts']['spam_quarantine'])" <<<"$OUT")" 653 "dry-run count"
assert_eq "$(sql "SELECT count(*) FROM spam_quarantine")" 667 "dry-run deletes nothing"

expect_exit 0 mj run spam-quarantine-expiry --now $NOW --set job.spam-quarantine-expiry.batch_size=30
assert_eq "$(sql "SELECT changed || '|' || counts FROM job_runs ORDER BY id DESC LIMIT 1")" \
  '653|{"spam_quarantine":653,"spool_files":3}' "history of the real run"
assert_eq "$(sql "SELECT count(*) FROM spam_quarantine WHERE quarantined_at = $cut")" 9 "rows exactly at the cutoff"
assert_eq "$(sql "SELECT count(*) FROM spam_quarantine")" 14 "rows left"
assert_eq "$(ls var/spool | sort | tr '\n' ' ')" "new-1.eml new-2.eml new-3.eml " "spool files left"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox")" 0 "no warning (BJ-05)"

expect_exit 0 mj run spam-quarantine-expiry --now $NOW
assert_eq "$(sql "SELECT changed FROM job_runs ORDER BY id DESC LIMIT 1")" 0 "rerun deletes 0"
# a custom spool folder from jobs.ini (relative to the file)
mkdir -p other
echo x > other/q.eml
sql "INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, spool_path, size_bytes, quarantined_at) VALUES (1, 'a', 'b', 'q.eml', 1, $cut - 5)"
printf '[job.spam-quarantine-expiry]\nspool_dir = other\n' >> jobs.ini
expect_exit 0 mj run spam-quarantine-expiry --now $NOW
[ ! -e other/q.eml ] || fail "spool file in spool_dir not removed"
