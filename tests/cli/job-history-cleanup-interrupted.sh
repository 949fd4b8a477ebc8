# job-history-cleanup on a big history: SIGTERM stops it between batches and the next run resumes;
# kill -9 loses nothing; each job's newest run stays; a rerun deletes 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/helpers/interrupt.sh"
init_db
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 60000)
     INSERT INTO job_runs(job, trigger, started_at, finished_at, outcome, exit_reason, counts)
     SELECT CASE i % 4 WHEN 0 THEN 'a' WHEN 1 THEN 'b' WHEN 2 THEN 'c' ELSE 'd' END, 'cron', $NOW - 300*86400 + i * 60,
            $NOW - 300*86400 + i * 60 + 3, 'done', 'done', '{\"x\":1}' FROM c"
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 150000)
     INSERT INTO job_attempts(run_id, job, item_table, item_id, attempt, status_code, error, will_retry, created_at)
     SELECT i / 10, 'forward-retry', 'failed_emails', i, 1 + i % 4, 451, 'try again later', 1, $NOW - 200*86400 + i * 80 FROM c"
interrupt_and_resume job-history-cleanup \
  "SELECT (SELECT count(*) FROM job_attempts WHERE created_at < $NOW - 90*86400) +
          (SELECT count(*) FROM job_runs r WHERE job IN ('a','b','c','d') AND id < (SELECT max(id) FROM job_runs WHERE job = r.job))" \
  "SELECT (SELECT count(*) || ':' || total(id) FROM job_attempts WHERE created_at >= $NOW - 90*86400) || '/' ||
          (SELECT group_concat(id) FROM (SELECT max(id) AS id FROM job_runs WHERE job IN ('a','b','c','d') GROUP BY job ORDER BY id) AS q0)" \
  --now $NOW --set job.job-history-cleanup.batch_size=20
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE job IN ('a','b','c','d')")" 4 "each job's newest run stays"
