# `cleanup execute` while other processes hold leases: a cleanup job whose conflicting job runs
# (failed-email-expiry while forward-retry runs, seed 003) and one whose own lease is held come
# back "skipped" with the reason, not failed; the others still run; exit code 4; history says
# conflict / lock held; `cleanup status` shows who runs and what it blocks.
. "$(dirname "$0")/lib.sh"
init_db
add_users 10
add_sessions 50 $((NOW - 10*86400)) $((NOW - 10*86400))
sql "INSERT INTO magic_links(user_id, token_hash, created_at, expires_at) VALUES (1, 'old', $((NOW - 50*86400)), $((NOW - 49*86400)));"
sql "INSERT INTO failed_emails(user_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at, status, failed_at)
     VALUES (1, 'a@example.com', 'b@example.org', 'x', 1, $((NOW - 30*86400)), 'failed', $((NOW - 29*86400)));"
# Live leases of other processes: this host, a live pid, not expired (lease times are wall clock).
sleep 300 & holder=$!
wall=$(date +%s)
lock() { sql "INSERT INTO job_locks(job, owner, host, pid, run_id, acquired_at, heartbeat_at, expires_at)
              VALUES ('$1', 'other:$holder:feedface', '$(uname -n)', $holder, 77, $wall, $wall, $((wall + 600)));"; }
lock forward-retry
lock session-cleanup

expect_exit 0 mj cleanup status --json
assert_eq "$(jq .isCleanupRunning <<<"$OUT")" true "a cleanup job holds a lease"
assert_eq "$(jq -c '[.runningJobs[].job]' <<<"$OUT")" '["session-cleanup"]' "running cleanup jobs"
assert_eq "$(jq .isConflictingJobRunning <<<"$OUT")" true "conflicting job running"
assert_eq "$(jq -c '.conflictingJobsRunning[] | select(.job == "forward-retry") | .blocks' <<<"$OUT")" '["failed-email-expiry"]' "what it blocks"
assert_eq "$(jq '.conflictingJobsRunning[0].runId' <<<"$OUT")" 77 "its run"

expect_exit 4 mj cleanup execute --json --now $NOW
e=$OUT
st() { jq -r ".jobs[] | select(.job == \"$1\") | .$2" <<<"$e"; }
assert_eq "$(st failed-email-expiry outcome)" skipped "conflict: skipped"
assert_eq "$(st failed-email-expiry exitReason)" conflict "conflict: exit reason"
assert_eq "$(st failed-email-expiry reason)" "conflicting job forward-retry is running" "conflict: reason"
assert_eq "$(st failed-email-expiry error)" null "conflict is not an error"
assert_eq "$(st session-cleanup outcome)" skipped "lock held: skipped"
assert_eq "$(st session-cleanup exitReason)" "lock held" "lock held: exit reason"
assert_contains "$(st session-cleanup reason)" "held by other:$holder:feedface"
assert_eq "$(st magic-link-expiry outcome)" done "a job without a conflict still ran"
assert_eq "$(jq .success <<<"$e")" false "success is false"
assert_eq "$(sql 'SELECT count(*) FROM failed_emails')" 1 "failed email kept while forward-retry runs"
assert_eq "$(sql 'SELECT count(*) FROM sessions')" 50 "sessions kept while their lease is held"
assert_eq "$(sql 'SELECT count(*) FROM magic_links')" 0 "magic link purged"
assert_eq "$(sql "SELECT outcome || '/' || exit_reason || '/' || error FROM job_runs WHERE job = 'failed-email-expiry'")" \
  "skipped/conflict/conflicting job forward-retry is running" "history: conflict"
assert_eq "$(sql "SELECT outcome || '/' || exit_reason FROM job_runs WHERE job = 'session-cleanup'")" "skipped/lock held" "history: lock held"
assert_eq "$(sql "SELECT job FROM job_locks ORDER BY job")" "$(printf 'forward-retry\nsession-cleanup')" "the other process's leases are untouched"

expect_exit 0 mj cleanup history --json --limit 50
assert_eq "$(jq -r '.runs[] | select(.job == "failed-email-expiry") | .reason' <<<"$OUT")" "conflicting job forward-retry is running" "history reason"

# the text form says it too
expect_exit 4 mj cleanup execute --job failed-email-expiry --now $NOW
assert_contains "$OUT" "skipped"
assert_contains "$OUT" "conflicting job forward-retry is running"

# once forward-retry is gone, the purge runs
kill $holder; wait $holder 2>/dev/null || true
expect_exit 0 mj cleanup execute --json --job failed-email-expiry --now $NOW
assert_eq "$(jq -r '.jobs[0].outcome' <<<"$OUT")" done "runs after the conflict ended"
assert_eq "$(sql 'SELECT count(*) FROM failed_emails')" 0 "failed email purged"
