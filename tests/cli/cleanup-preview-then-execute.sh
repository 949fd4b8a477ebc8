# `cleanup preview` says per cleanup job what would go and its cutoff, writing nothing (not even a
# history row); `cleanup execute` then deletes exactly that, through the runner (trigger manual).
. "$(dirname "$0")/lib.sh"
init_db
add_users 100
add_sessions 3000 $((NOW - 10*86400)) $((NOW - 10*86400))   # past the absolute timeout + 1d
add_sessions 200 $((NOW + 86400)) $((NOW - 40*86400))       # idle for 40 days (> 30d)
add_sessions 500 $((NOW + 86400)) $((NOW - 60))             # alive
sql "INSERT INTO magic_links(user_id, token_hash, created_at, expires_at) VALUES
       (1, 'old', $((NOW - 50*86400)), $((NOW - 49*86400))),
       (1, 'at-cutoff', $((NOW - 2*86400)), $((NOW - 86400))),
       (2, 'live', $((NOW - 3600)), $((NOW + 3600)));"
iso() { date -u -d @"$1" +%Y-%m-%dT%H:%M:%SZ; }
before=$(db_sha)

expect_exit 0 mj cleanup preview --json --now $NOW
p=$OUT
job() { jq -c ".jobs[] | select(.job == \"$1\") | $2" <<<"$p"; }
assert_eq "$(job session-cleanup .wouldDelete.sessions)" 3200 "sessions that would go"
assert_eq "$(job magic-link-expiry .wouldDelete.magic_links)" 1 "magic links that would go (the one at the cutoff stays)"
assert_eq "$(job magic-link-expiry .cutoff)" "\"$(iso $((NOW - 86400)))\"" "magic-link cutoff"
assert_eq "$(job session-cleanup '[.cutoffs[] | .column + "<" + .before]')" \
  "[\"expires_at<$(iso $((NOW - 86400)))\",\"last_seen_at<$(iso $((NOW - 30*86400)))\"]" "session cutoffs"
assert_eq "$(jq .total <<<"$p")" 3201 "preview total"
assert_eq "$(db_sha)" "$before" "preview left the file byte-identical"
assert_eq "$(sql 'SELECT count(*) FROM job_runs')" 0 "preview writes no history row"

# --job narrows, --older-than overrides the age
expect_exit 0 mj cleanup preview --json --now $NOW --job magic-link-expiry --older-than 1h
assert_eq "$(jq -c '[.jobs[].job]' <<<"$OUT")" '["magic-link-expiry"]' "--job"
assert_eq "$(jq '.jobs[0].wouldDelete.magic_links' <<<"$OUT")" 2 "--older-than 1h takes the one at 1d too"
assert_eq "$(jq -r .olderThan <<<"$OUT")" 1h "olderThan echoed"

expect_exit 0 mj cleanup execute --json --now $NOW
e=$OUT
assert_eq "$(jq -c '.jobs[] | select(.job == "session-cleanup") | .deleted' <<<"$e")" "$(job session-cleanup .wouldDelete)" "execute deleted what preview said (sessions)"
assert_eq "$(jq -c '.jobs[] | select(.job == "magic-link-expiry") | .deleted' <<<"$e")" "$(job magic-link-expiry .wouldDelete)" "execute deleted what preview said (magic links)"
assert_eq "$(jq .success <<<"$e")" true "success"
assert_eq "$(sql 'SELECT count(*) FROM sessions')" 500 "sessions left"
assert_eq "$(sql "SELECT group_concat(token_hash) FROM (SELECT token_hash FROM magic_links ORDER BY id) AS q0")" "at-cutoff,live" "magic links left"
cleanup_jobs=$(jq '.jobs | length' <<<"$p")   # every job of group "cleanup" in the registry
assert_ge "$cleanup_jobs" 2 "cleanup jobs"
assert_eq "$(jq '.jobs | length' <<<"$e")" "$cleanup_jobs" "execute ran every cleanup job"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE trigger = 'manual' AND outcome = 'done' AND dry_run = 0")" "$cleanup_jobs" "one manual run per cleanup job in history"
assert_eq "$(sql "SELECT changed FROM job_runs WHERE job = 'session-cleanup'")" 3200 "history counts"

# an immediate rerun deletes nothing
expect_exit 0 mj cleanup execute --json --now $NOW
assert_eq "$(jq .totalDeleted <<<"$OUT")" 0 "rerun deletes 0"

# the text form
expect_exit 0 mj cleanup preview --now $NOW
assert_contains "$OUT" "magic-link-expiry"
assert_contains "$OUT" "would delete 0"
