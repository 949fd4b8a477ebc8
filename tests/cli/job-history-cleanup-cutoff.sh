# job-history-cleanup deletes mailjobs' own history older than 90 d: job_runs (never the newest run
# of a job, however old), job_attempts, operator_alerts (never a job's newest), send_quota windows,
# dns_checks (never a domain's newest); a row exactly at the cutoff stays; dry-run counts the same
# rows; a rerun deletes 0; --older-than moves the cutoff.
. "$(dirname "$0")/lib.sh"
init_db
add_users 1
cut=$((NOW - 90*86400))
# runs JOB N FIRST_STARTED_AT STEP
runs() {
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $2)
       INSERT INTO job_runs(job, trigger, started_at, finished_at, outcome, exit_reason)
       SELECT '$1', 'cron', $3 + i * $4, $3 + i * $4 + 5, 'done', 'done' FROM c"
}
runs alpha 50 $((NOW - 200*86400)) 3600     # all old: 49 go, the newest stays
runs beta 30 $((NOW - 150*86400)) 60        # 30 old go ...
runs beta 5 $((NOW - 86400)) 60             # ... 5 recent stay
runs gamma 1 $((cut - 2)) 1                 # older than the cutoff: goes (not gamma's newest)
runs gamma 1 $((cut - 1)) 1                 # exactly at the cutoff: stays
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 110)
     INSERT INTO job_attempts(run_id, job, item_table, item_id, attempt, status_code, will_retry, created_at)
     SELECT 1, 'webhook-retry', 'delivery_log', i, 1, 500, 1, CASE WHEN i <= 100 THEN $NOW - 100*86400 + i ELSE $NOW - 3600 END FROM c"
sql "INSERT INTO operator_alerts(job, kind, consecutive_failures, channel, status, created_at) VALUES
       ('alpha', 'failing', 3, 'email', 'sent', $NOW - 300*86400), ('alpha', 'recovered', 0, 'email', 'sent', $NOW - 299*86400),
       ('alpha', 'failing', 3, 'email', 'sent', $NOW - 200*86400),
       ('beta', 'failing', 3, 'webhook', 'failed', $NOW - 120*86400), ('beta', 'failing', 3, 'webhook', 'sent', $NOW - 86400)"
sql "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM c WHERE i < 223)
     INSERT INTO send_quota(window_start, sent) SELECT ($NOW / 3600) * 3600 - (CASE WHEN i < 24 THEN i ELSE 100*24 + i END) * 3600, 3 FROM c"
sql "INSERT INTO domains(id, user_id, name, verification_token) VALUES (1, 1, 'a.example', 't'), (2, 1, 'b.example', 't')"
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 20)
     INSERT INTO dns_checks(domain_id, result, checked_at) SELECT 1, 'fail', $NOW - 120*86400 + i * 86400 FROM c"
sql "INSERT INTO dns_checks(domain_id, result, checked_at) VALUES (2, 'fail', $NOW - 150*86400), (2, 'fail', $NOW - 140*86400),
       (2, 'fail', $NOW - 130*86400), (2, 'fail', $NOW - 120*86400), (2, 'fail', $NOW - 110*86400), (2, 'pass', $NOW - 86400)"
total() { sql "SELECT (SELECT count(*) FROM job_runs WHERE job <> 'job-history-cleanup') || ' ' || (SELECT count(*) FROM job_attempts) || ' ' ||
                      (SELECT count(*) FROM operator_alerts) || ' ' || (SELECT count(*) FROM send_quota) || ' ' || (SELECT count(*) FROM dns_checks)"; }
assert_eq "$(total)" "87 110 5 224 26" "set-up"
want='{"dns_checks":24,"job_attempts":100,"job_runs":80,"operator_alerts":3,"send_quota":200}'

expect_exit 0 mj run job-history-cleanup --dry-run --now $NOW --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)[0]['counts'], sort_keys=True, separators=(',',':')))" <<<"$OUT")" \
  "$want" "dry-run counts"
assert_eq "$(total)" "87 110 5 224 26" "dry-run deletes nothing"

expect_exit 0 mj run job-history-cleanup --now $NOW --set job.job-history-cleanup.batch_size=16
assert_eq "$(sql "SELECT counts FROM job_runs WHERE job = 'job-history-cleanup' ORDER BY id DESC LIMIT 1")" "$want" "counts in history"
assert_eq "$(total)" "7 10 2 24 2" "rows left"
assert_eq "$(sql "SELECT group_concat(job || ':' || started_at, ' ') FROM (SELECT job, started_at FROM job_runs WHERE job IN ('alpha','gamma') ORDER BY id) AS q0")" \
  "alpha:$((NOW - 200*86400 + 50*3600)) gamma:$((cut - 1 + 1))" "alpha's newest run (old) and gamma's run at the cutoff stay"
assert_eq "$(sql "SELECT group_concat(job || ':' || created_at, ' ') FROM (SELECT job, created_at FROM operator_alerts ORDER BY id) AS q1")" \
  "alpha:$((NOW - 200*86400)) beta:$((NOW - 86400))" "each job's newest alert stays"
assert_eq "$(sql "SELECT group_concat(domain_id || ':' || result, ' ') FROM (SELECT domain_id, result FROM dns_checks ORDER BY id) AS q2")" \
  "1:fail 2:pass" "each domain's newest check stays"

expect_exit 0 mj run job-history-cleanup --now $NOW
assert_eq "$(sql "SELECT changed FROM job_runs WHERE job = 'job-history-cleanup' ORDER BY id DESC LIMIT 1")" 0 "rerun deletes 0"
# --older-than 1h: the 10 attempts exactly 1 h old stay; beta's 5 runs of yesterday leave the newest.
expect_exit 0 mj run job-history-cleanup --now $NOW --older-than 1h
assert_eq "$(sql "SELECT counts FROM job_runs WHERE job = 'job-history-cleanup' ORDER BY id DESC LIMIT 1")" \
  '{"job_runs":4,"send_quota":23}' "--older-than 1h"
