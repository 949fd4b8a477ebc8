# Seed 000's command: `mailjobs cleanup --dry-run --older-than 30d` counts the delivery_log rows
# delivery-log-cleanup would purge and prints seed 000's line; without --dry-run it deletes them.
# Rows at the cutoff, newer rows and deliveries still pending stay. Bad input: exit 2, no change.
. "$(dirname "$0")/lib.sh"
init_db
add_users 5
ins() {  # ins N CREATED_AT STATUS
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $1)
       INSERT INTO delivery_log(user_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
       SELECT 1, 'https://example.com/hook', hex(randomblob(8)), '{}', '$3', CASE WHEN '$3' = 'pending' THEN $NOW ELSE NULL END, $2 FROM c;"
}
ins 120 $((NOW - 40*86400)) delivered            # older than 30d: goes
ins 30 $((NOW - 31*86400)) permanently_failed    # older than 30d: goes
ins 7 $((NOW - 30*86400)) delivered              # exactly at the cutoff: stays
ins 50 $((NOW - 5*86400)) delivered              # newer: stays
ins 4 $((NOW - 40*86400)) pending                # still being retried: stays
cutoff=$(date -u -d @$((NOW - 30*86400)) '+%Y-%m-%d %H:%M:%S UTC')
before=$(db_sha)

expect_exit 2 mj cleanup --dry-run --older-than 30x --now $NOW
assert_contains "$ERR" "--older-than: bad duration '30x'"
assert_eq "$(db_sha)" "$before" "bad duration: file unchanged"

expect_exit 0 mj cleanup --dry-run --older-than 30d --now $NOW
assert_eq "$OUT" "Would delete 150 delivery log records older than $cutoff" "dry-run line"
assert_eq "$(sql 'SELECT count(*) FROM delivery_log')" 211 "dry run deleted nothing"
assert_eq "$(sql "SELECT job || '/' || dry_run || '/' || examined FROM job_runs")" "delivery-log-cleanup/1/150" "history: a dry-run row"

expect_exit 0 mj cleanup --older-than 30d --now $NOW --json
assert_eq "$(jq -c '[.deleted_count, .dry_run, .cutoff_date]' <<<"$OUT")" "[150,false,\"$(date -u -d @$((NOW - 30*86400)) +%Y-%m-%dT%H:%M:%SZ)\"]" "JSON result"
assert_eq "$(sql 'SELECT count(*) FROM delivery_log')" 61 "rows left"
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE created_at < $((NOW - 30*86400)) AND status <> 'pending'")" 0 "nothing old and finished left"

expect_exit 0 mj cleanup --older-than 30d --now $NOW
assert_eq "$OUT" "Deleted 0 delivery log records older than $cutoff" "rerun line"

# without --older-than: the configured 90 d
sql "UPDATE delivery_log SET created_at = $((NOW - 100*86400)) WHERE status = 'delivered' AND created_at = $((NOW - 5*86400))"
expect_exit 0 mj cleanup --now $NOW
assert_eq "$OUT" "Deleted 50 delivery log records older than $(date -u -d @$((NOW - 90*86400)) '+%Y-%m-%d %H:%M:%S UTC')" "default age"

# a typo'd action is not taken for seed 000's command
expect_exit 2 mj cleanup stat
assert_contains "$ERR" "did you mean 'stats'"
