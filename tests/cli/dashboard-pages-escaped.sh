# Every dashboard page answers 200 with the strict CSP, no script, and every value from the
# database escaped: hostile job names, error texts, domain names and alert fields written by a
# foreign writer show as text (&lt;script&gt;), never as markup. A name with a control character
# is shown escaped too (\x1b), and HEAD answers with GET's status and headers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
. "$(dirname "$0")/dashboard.bash"
NOW=$(date +%s)
init_db
enable_api
add_users 2
mj run session-cleanup >/dev/null
X='<script>alert(1)</script>'
sql "INSERT INTO job_runs(job, trigger, started_at, finished_at, outcome, exit_reason, error, counts, duration_ms)
       VALUES ('$X', 'manual', $NOW, $NOW, 'failed', 'error', '<img src=x onerror=alert(2)>', '{\"<b>t</b>\": 3}', 12);
     INSERT INTO job_runs(job, trigger, started_at, finished_at, outcome, exit_reason, error, duration_ms)
       VALUES ('webhook-retry', 'cron', $NOW, $NOW, 'failed', 'error', '\"><svg onload=alert(3)>' || char(27) || '[31m', 5);
     INSERT INTO job_state(job, last_run_id, last_outcome, consecutive_failures)
       VALUES ('webhook-retry', (SELECT max(id) FROM job_runs), 'failed', 4);
     INSERT INTO job_attempts(run_id, job, item_table, item_id, attempt, status_code, error, duration_ms, created_at)
       VALUES (1, 'webhook-retry', 'delivery_log', 1, 1, 500, '</td><script>alert(4)</script>', 30, $NOW);
     INSERT INTO operator_alerts(job, kind, run_id, consecutive_failures, channel, status, error, created_at)
       VALUES ('$X', 'failing', 1, 3, 'email', 'sent', NULL, $NOW);
     INSERT INTO domains(user_id, name, verification_token) VALUES (1, '<i>evil</i>.example', 't');
     INSERT INTO dns_checks(domain_id, result, detail, checked_at) VALUES (1, 'fail', '<script>alert(5)</script>', $NOW);
     INSERT INTO exports(user_id, status, error) VALUES (2, 'failed', '<script>alert(6)</script>');"
start_lighttpd
sign_in
for p in / /runs /charts /accounts /jobs/webhook-retry /jobs/session-cleanup; do
  page "$p"
  assert_eq "$STATUS" 200 "page $p"
  assert_contains "$HEADERS" "Content-Security-Policy: default-src 'none'; style-src 'sha256-" "$p headers"
  assert_contains "$HEADERS" "X-Frame-Options: DENY" "$p headers"
  assert_contains "$HEADERS" "Cache-Control: no-store" "$p headers"
  ! grep -qi -e '<script' -e '<img' -e '<svg onload' -e '<i>evil' -e '<b>t' <<<"$BODY" || fail "unescaped markup on $p: $(grep -io -e '<script.\{0,20\}' -e '<img.\{0,20\}' <<<"$BODY" | head -3)"
  ! grep -q $'\x1b' <<<"$BODY" || fail "a raw ESC on $p"
done
page /
assert_contains "$BODY" "&lt;script&gt;alert(1)&lt;/script&gt;" "hostile job name shown as text"
assert_contains "$BODY" "Needs attention" "banner"
assert_contains "$BODY" "4 failures in a row" "consecutive failures"
assert_contains "$BODY" "No tick recorded yet" "cron never ran"
page /runs
assert_contains "$BODY" "&lt;img src=x onerror=alert(2)&gt;" "hostile error"
assert_contains "$BODY" '\x1b[31m' "control shown escaped"
page /jobs/webhook-retry
assert_contains "$BODY" "&lt;/td&gt;&lt;script&gt;alert(4)&lt;/script&gt;" "hostile attempt error"
assert_contains "$BODY" "<h2>Attempts</h2>" "delivery job lists attempts"
page /accounts
assert_contains "$BODY" "&lt;i&gt;evil&lt;/i&gt;.example" "hostile domain"
assert_contains "$BODY" "&lt;script&gt;alert(6)&lt;/script&gt;" "hostile export error"
# an unknown job or page: 404 HTML
page /jobs/no-such-job
assert_eq "$STATUS" 404 "unknown job"
assert_contains "$HEADERS" "Content-Type: text/html"
page "/jobs/$X"
assert_eq "$STATUS" 404 "hostile job page"
! grep -q '<script' <<<"$BODY" || fail "404 page echoes markup"
# HEAD: the same status and headers as GET
head=$(curl -sSI -H "Cookie: $COOKIE" "$BASE/" | tr -d '\r')
assert_contains "$head" "HTTP/1.1 200" "HEAD"
assert_contains "$head" "Content-Security-Policy: default-src 'none'" "HEAD headers"
# the tick writes its record: the banner turns healthy once the failing job recovers
sql "UPDATE job_state SET last_outcome = 'done', consecutive_failures = 0 WHERE job = 'webhook-retry';
     DELETE FROM job_runs WHERE outcome = 'failed';"
mj tick >/dev/null
page /
assert_contains "$BODY" "Healthy." "healthy banner"
